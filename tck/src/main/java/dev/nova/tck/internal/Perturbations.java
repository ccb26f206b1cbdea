package dev.nova.tck.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Guard the guard: small perturbations of what a correct plugin returns, to measure how many the kit notices
 * ({@code nova tck --perturb}, {@link Conformance#sweep}). A perturbed plugin is wrong in one small way; a kit that
 * certifies it missed a defect a plugin could really have.
 *
 * @since 1.3
 */
@API(status = INTERNAL, since = "0.7", consumers = "dev.nova.host")
public final class Perturbations {

    private Perturbations() {
    }

    /** One small change to one kind of result. */
    public enum Perturbation {
        /** None: the wrapper alone, the sweep's baseline. */
        NONE,
        /** The evaluated loss with its sign flipped. */
        EVALUATION_LOSS_SIGN_FLIPPED,
        /** A NaN metric added to the evaluation. */
        EVALUATION_METRIC_NAN,
        /** The last sample of a request of several dropped. */
        LAST_SAMPLE_DROPPED,
        /** The samples of a request in reverse order. */
        SAMPLES_REVERSED,
        /** The samples of a request rotated by the number of calls so far. */
        SAMPLES_SHUFFLED_PER_CALL,
        /** The second sample of a request replaced by the first. */
        ONE_SAMPLE_DUPLICATED,
        /** One bit flipped in the middle of the payload. */
        PAYLOAD_BYTE_CHANGED,
        /** The payload without its last byte. */
        PAYLOAD_TRUNCATED_BY_ONE,
        /** Each step loss with its sign flipped. */
        STEP_LOSS_SIGN_FLIPPED,
        /** Every third step event dropped. */
        STEP_EVENT_DROPPED,
        /** The second step event of a call numbered as the first. */
        STEP_NUMBER_REPEATED,
        /** A training result that counts one step less than ran. */
        TRAINING_RESULT_UNDERCOUNTS,
        /** step() one more than the steps done. */
        STEP_COUNT_OFF_BY_ONE
    }

    /**
     * A provider whose models pass every call to the correct provider's models and perturb one kind of result.
     *
     * @param correct the plugin as it is
     * @param p the perturbation ({@link Perturbation#NONE}: the wrapper alone)
     * @return the perturbed plugin (same id and profile)
     */
    public static GeneratorProvider perturb(GeneratorProvider correct, Perturbation p) {
        return new PerturbedProvider(correct, p);
    }

    /**
     * A provider that passes its calls to the plugin's own: the kit looks through it for the plugin's class and module
     * (its reference.conf for 2.1, the provider a JVM of its own constructs for 1.5 and 3.7).
     */
    public interface Wrapper {
        /**
         * The provider wrapped.
         *
         * @return the plugin's provider
         */
        GeneratorProvider wrapped();
    }

    /** A provider whose models pass every call to a correct model and perturb one kind of result. */
    private record PerturbedProvider(GeneratorProvider correct, Perturbation p) implements GeneratorProvider, Wrapper {
        @Override
        public GeneratorProvider wrapped() {
            return correct;
        }

        @Override
        public PluginInfo info() {
            return correct.info();
        }

        @Override
        public List<ConfigProblem> validate(Config config) {
            return correct.validate(config);
        }

        @Override
        public List<ConfigProblem> validate(Config config, Path baseDirectory) {
            return correct.validate(config, baseDirectory);
        }

        @Override
        public Optional<ConformanceProfile> conformance(Path scratch) {
            return correct.conformance(scratch);
        }

        @Override
        public GenerativeModel create(Config config, ModelContext context) {
            return new PerturbedModel(correct.create(config, context), p);
        }

        @Override
        public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
            return new PerturbedModel(correct.restore(config, context, payload), p);
        }
    }

    /** A correct model with one kind of result perturbed. */
    private static final class PerturbedModel implements GenerativeModel {
        private final GenerativeModel m;
        private final Perturbation p;
        private int calls;

        PerturbedModel(GenerativeModel m, Perturbation p) {
            this.m = m;
            this.p = p;
        }

        @Override
        public TrainingResult train(TrainingRequest request, TrainingListener listener) {
            int[] seen = {0};
            TrainingResult r = m.train(request, e -> {
                seen[0]++;
                StepEvent out = switch (p) {
                    case STEP_LOSS_SIGN_FLIPPED -> new StepEvent(e.step(), -e.loss(), e.items(), e.extras());
                    case STEP_NUMBER_REPEATED -> seen[0] == 2 ? new StepEvent(e.step() - 1, e.loss(), e.items(), e.extras()) : e;
                    default -> e;
                };
                if (p != Perturbation.STEP_EVENT_DROPPED || seen[0] % 3 != 2) {
                    listener.onStep(out);
                }
            });
            return p == Perturbation.TRAINING_RESULT_UNDERCOUNTS && r.stepsRun() > 1
                    ? new TrainingResult(r.stepsRun() - 1, r.cancelled()) : r;
        }

        @Override
        public List<Sample> generate(GenerationRequest request) {
            List<Sample> s = new ArrayList<>(m.generate(request));
            calls++;
            switch (p) {
                case LAST_SAMPLE_DROPPED -> {
                    if (s.size() > 1) {
                        s.remove(s.size() - 1);
                    }
                }
                case SAMPLES_REVERSED -> Collections.reverse(s);
                case SAMPLES_SHUFFLED_PER_CALL -> Collections.rotate(s, calls);
                case ONE_SAMPLE_DUPLICATED -> {
                    if (s.size() > 1) {
                        s.set(1, s.get(0));
                    }
                }
                default -> { }
            }
            return s;
        }

        @Override
        public Map<String, Double> evaluate(EvaluationRequest request) {
            Map<String, Double> e = new LinkedHashMap<>(m.evaluate(request));
            if (p == Perturbation.EVALUATION_LOSS_SIGN_FLIPPED) {
                e.put(LOSS, -e.get(LOSS));
            } else if (p == Perturbation.EVALUATION_METRIC_NAN) {
                e.put("perplexity", Double.NaN);
            }
            return e;
        }

        @Override
        public void save(OutputStream out) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            m.save(b);
            byte[] bytes = b.toByteArray();
            if (p == Perturbation.PAYLOAD_BYTE_CHANGED) {
                bytes[bytes.length / 2] ^= 0x10;
            } else if (p == Perturbation.PAYLOAD_TRUNCATED_BY_ONE) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
            }
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long step() {
            return p == Perturbation.STEP_COUNT_OFF_BY_ONE ? m.step() + 1 : m.step();
        }

        @Override
        public boolean isThreadSafe() {
            return m.isThreadSafe();
        }

        @Override
        public Optional<DataParallel> dataParallel() {
            return m.dataParallel();
        }

        @Override
        public void close() {
            m.close();
        }
    }
}

package dev.nova.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.tck.GeneratorVerification;
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
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Guard the guard: the correct fixtures with one small perturbation of their outputs each (a flipped sign in a
 * metric, a dropped sample, a shuffled order, a changed byte in a payload, ...), and how many of them the kit
 * notices. The figure is printed, recorded in the SPEC's changelog, and may not fall.
 */
class PerturbationSweepTests {

    /** One small change to what a correct model returns. */
    enum Perturbation {
        EVALUATION_LOSS_SIGN_FLIPPED,
        EVALUATION_METRIC_NAN,
        LAST_SAMPLE_DROPPED,
        SAMPLES_REVERSED,
        SAMPLES_SHUFFLED_PER_CALL,
        ONE_SAMPLE_DUPLICATED,
        PAYLOAD_BYTE_CHANGED,
        PAYLOAD_TRUNCATED_BY_ONE,
        STEP_LOSS_SIGN_FLIPPED,
        STEP_EVENT_DROPPED,
        STEP_NUMBER_REPEATED,
        TRAINING_RESULT_UNDERCOUNTS,
        STEP_COUNT_OFF_BY_ONE
    }

    /** The perturbation the verification classes below apply (they run one at a time). */
    private static volatile Perturbation current;

    @Test
    void theKitNoticesMostSmallPerturbationsOfACorrectPlugin() {
        List<String> missed = new ArrayList<>();
        int noticed = 0;
        int tried = 0;
        for (Class<?> verification : List.of(PerturbedText.class, PerturbedImage.class)) {
            for (Perturbation p : Perturbation.values()) {
                current = p;
                Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(verification)).execute()
                        .testEvents();
                tried++;
                if (tests.failed().count() > 0) {
                    noticed++;
                } else {
                    missed.add(verification.getSimpleName() + " " + p);
                }
            }
        }
        System.out.println("perturbation sweep: the kit noticed " + noticed + " of " + tried + "; missed " + missed);
        // The figure of the SPEC's changelog; a change to the kit may raise it, never lower it.
        assertTrue(noticed >= MIN_NOTICED, "the kit noticed " + noticed + " of " + tried + " perturbations; missed " + missed);
    }

    /** What the kit noticed when this test was written (SPEC changelog). */
    private static final int MIN_NOTICED = 24;

    static final class PerturbedText extends GeneratorVerification {
        @Override
        protected GeneratorProvider provider() {
            return new PerturbedProvider(new FixtureProvider(Modality.TEXT, Flaw.NONE), current);
        }
    }

    static final class PerturbedImage extends GeneratorVerification {
        @Override
        protected GeneratorProvider provider() {
            return new PerturbedProvider(new FixtureProvider(Modality.IMAGE, Flaw.NONE), current);
        }
    }

    /** A provider whose models pass every call to a correct model and perturb one kind of result. */
    record PerturbedProvider(GeneratorProvider correct, Perturbation p) implements GeneratorProvider {
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
    static final class PerturbedModel implements GenerativeModel {
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

package dev.nova.host.internal.model;

import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import dev.nova.api.TextTokens;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.api.Tuning;
import dev.nova.host.internal.support.PluginCalls;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A plugin's model as the host holds it: every method, and every method of every capability it offers
 * ({@link #tuning()}, {@link #referenceData()} and its features, {@link #dataParallel()}, {@link #textTokens()},
 * {@link #batching()}), runs with the plugin's class
 * loader as the thread's context loader and turns anything the plugin throws into a {@code PluginException} that
 * names the plugin and the call ({@link PluginCalls#call}). The loader in this package is the only maker of models,
 * so host code calls a model directly and cannot forget the guard.
 *
 * <p>A capability that a plugin returns as {@code null} instead of an empty {@code Optional} is read as absent.
 */
public final class GuardedModel implements GenerativeModel {

    private final String pluginId;
    private final Class<?> pluginClass;
    private final GenerativeModel model;

    private GuardedModel(String pluginId, Class<?> pluginClass, GenerativeModel model) {
        this.pluginId = pluginId;
        this.pluginClass = pluginClass;
        this.model = model;
    }

    /**
     * Guards a model (once: a guarded model is returned as it is).
     *
     * @param pluginId the plugin, for messages
     * @param pluginClass a class of the plugin's own module (its provider): its loader becomes the context loader
     * @param model the plugin's model
     * @return the guarded model
     */
    static GuardedModel of(String pluginId, Class<?> pluginClass, GenerativeModel model) {
        return model instanceof GuardedModel g ? g : new GuardedModel(pluginId, pluginClass, model);
    }

    /** The plugin's own model, for a capability of the same plugin that takes it back ({@code openWeights().export}). */
    GenerativeModel unguarded() {
        return model;
    }

    /** The plugin whose model this is. */
    public String pluginId() {
        return pluginId;
    }

    /**
     * Runs host code that drives this model on the plugin's behalf under the same guard (a cluster's training steps,
     * which call the plugin's capability and the cluster in turn).
     *
     * @param what what the host asked for, for messages ("train")
     * @param body the call
     * @param <T> the result type
     * @return the body's result
     */
    public <T> T call(String what, Supplier<T> body) {
        return PluginCalls.call(pluginId, pluginClass, what, body);
    }

    private void run(String what, Runnable body) {
        call(what, () -> {
            body.run();
            return null;
        });
    }

    private static <T> Optional<T> present(Optional<T> o) {
        return o == null ? Optional.empty() : o;
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        return call("train", () -> model.train(request, listener));
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        return call("generate", () -> model.generate(request));
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        return call("evaluate", () -> model.evaluate(request));
    }

    @Override
    public void save(OutputStream out) {
        run("save", () -> model.save(out));
    }

    @Override
    public void save(OutputStream payload, OutputStream trainingState) {
        run("save", () -> model.save(payload, trainingState));
    }

    @Override
    public long step() {
        return call("step", model::step);
    }

    @Override
    public boolean isThreadSafe() {
        return Boolean.TRUE.equals(call("isThreadSafe", model::isThreadSafe));
    }

    @Override
    public Optional<DataParallel> dataParallel() {
        return present(call("dataParallel", model::dataParallel)).map(GuardedDataParallel::new);
    }

    @Override
    public Optional<Tuning> tuning() {
        return present(call("tuning", model::tuning)).map(GuardedTuning::new);
    }

    @Override
    public Optional<ReferenceData> referenceData() {
        return present(call("referenceData", model::referenceData)).map(GuardedReferenceData::new);
    }

    @Override
    public Optional<TextTokens> textTokens() {
        return present(call("textTokens", model::textTokens)).map(GuardedTokens::new);
    }

    @Override
    public Optional<dev.nova.api.Batching> batching() {
        return present(call("batching", model::batching)).map(GuardedBatching::new);
    }

    @Override
    public void close() {
        run("close", model::close);
    }

    private final class GuardedBatching implements dev.nova.api.Batching {
        private final dev.nova.api.Batching batching;

        GuardedBatching(dev.nova.api.Batching batching) {
            this.batching = batching;
        }

        @Override
        public Batch open() {
            Batch b = call("batching().open", batching::open);
            if (b == null) {
                throw new dev.nova.api.PluginException(pluginId, "batching().open returned null");
            }
            return new Batch() {
                @Override
                public Entry add(GenerationRequest request) {
                    Entry e = call("batching().add", () -> b.add(request));
                    if (e == null) {
                        throw new dev.nova.api.PluginException(pluginId, "batching().add returned null");
                    }
                    return new Entry() {
                        @Override
                        public boolean isDone() {
                            return Boolean.TRUE.equals(call("batching() entry isDone", e::isDone));
                        }

                        @Override
                        public List<Sample> samples() {
                            List<Sample> out = call("batching() entry samples", e::samples);
                            return out == null ? List.of() : out;
                        }

                        @Override
                        public RuntimeException failure() {
                            return call("batching() entry failure", e::failure);
                        }

                        @Override
                        public void cancel() {
                            run("batching() entry cancel", e::cancel);
                        }
                    };
                }

                @Override
                public int step() {
                    return call("batching().step", b::step);
                }

                @Override
                public int active() {
                    return call("batching().active", b::active);
                }

                @Override
                public void close() {
                    run("batching().close", b::close);
                }
            };
        }
    }

    private final class GuardedTokens implements TextTokens {
        private final TextTokens tokens;

        GuardedTokens(TextTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        public String kind() {
            return call("textTokens().kind", tokens::kind);
        }

        @Override
        public int size() {
            return call("textTokens().size", tokens::size);
        }

        @Override
        public int[] encode(String text) {
            return call("textTokens().encode", () -> tokens.encode(text));
        }

        @Override
        public String decode(int[] ids) {
            return call("textTokens().decode", () -> tokens.decode(ids));
        }
    }

    private final class GuardedTuning implements Tuning {
        private final Tuning tuning;

        GuardedTuning(Tuning tuning) {
            this.tuning = tuning;
        }

        @Override
        public List<Parameter> parameters() {
            return call("tuning().parameters", tuning::parameters);
        }

        @Override
        public float[] values(String name) {
            return call("tuning().values", () -> tuning.values(name));
        }

        @Override
        public void freeze(Collection<String> names) {
            run("tuning().freeze", () -> tuning.freeze(names));
        }

        @Override
        public Set<String> frozen() {
            return call("tuning().frozen", tuning::frozen);
        }
    }

    private final class GuardedReferenceData implements ReferenceData {
        private final ReferenceData data;

        GuardedReferenceData(ReferenceData data) {
            this.data = data;
        }

        @Override
        public Optional<String> text(Split split) {
            return present(call("referenceData().text", () -> data.text(split)));
        }

        @Override
        public List<LabelledImage> images(Split split, int count, long seed) {
            return call("referenceData().images", () -> data.images(split, count, seed));
        }

        @Override
        public List<String> classes() {
            return call("referenceData().classes", data::classes);
        }

        @Override
        public boolean conditional() {
            return Boolean.TRUE.equals(call("referenceData().conditional", data::conditional));
        }

        @Override
        public Optional<Features> features() {
            return present(call("referenceData().features", data::features)).map(GuardedFeatures::new);
        }

        @Override
        public String fingerprint() {
            return call("referenceData().fingerprint", data::fingerprint);
        }
    }

    private final class GuardedFeatures implements ReferenceData.Features {
        private final ReferenceData.Features features;

        GuardedFeatures(ReferenceData.Features features) {
            this.features = features;
        }

        @Override
        public float[][] embed(List<Sample.Image> images) {
            return call("features().embed", () -> features.embed(images));
        }

        @Override
        public int[] classify(List<Sample.Image> images) {
            return call("features().classify", () -> features.classify(images));
        }

        @Override
        public double accuracy() {
            return call("features().accuracy", features::accuracy);
        }

        @Override
        public String description() {
            return call("features().description", features::description);
        }

        @Override
        public String key() {
            return call("features().key", features::key);
        }
    }

    private final class GuardedDataParallel implements DataParallel {
        private final DataParallel parallel;

        GuardedDataParallel(DataParallel parallel) {
            this.parallel = parallel;
        }

        @Override
        public int parameterCount() {
            return call("dataParallel().parameterCount", parallel::parameterCount);
        }

        @Override
        public void readParameters(float[] target) {
            run("dataParallel().readParameters", () -> parallel.readParameters(target));
        }

        @Override
        public void writeParameters(float[] source) {
            run("dataParallel().writeParameters", () -> parallel.writeParameters(source));
        }

        @Override
        public int globalBatch(long step) {
            return call("dataParallel().globalBatch", () -> parallel.globalBatch(step));
        }

        @Override
        public Map<String, Double> gradientSum(long step, int from, int to, float[] sum) {
            return call("dataParallel().gradientSum", () -> parallel.gradientSum(step, from, to, sum));
        }

        @Override
        public Map<String, Double> applyUpdate(long step, float[] meanGradient, Map<String, Double> statistics) {
            return call("dataParallel().applyUpdate", () -> parallel.applyUpdate(step, meanGradient, statistics));
        }
    }
}

package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.CheckpointException;
import dev.nova.api.DataParallel;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.api.Tuning;
import dev.nova.kit.nn.Flops;
import dev.nova.kit.nn.Growth;
import dev.nova.kit.nn.ParamSet;
import dev.nova.kit.support.Payload;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import java.util.function.LongToIntFunction;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every model trained on kit holds for training, as a field: the run's seed and step, the parameters and
 * their {@link Adam} optimiser, and one step's pass over a slice of the batch. It runs {@code train} through the
 * {@link TrainingLoop} over the whole batch, answers {@code dataParallel()} with the same slices
 * ({@link SliceTraining}), and writes and reads the {@link TrainingState} of a payload, so that a model keeps
 * only its network, its data and its generation modes.
 *
 * <pre>{@code
 * final class MyModel implements TrainingCore.Holder {      // train, step and dataParallel come from the core
 *     private final TrainingCore training =
 *             new TrainingCore(ID, context.seed(), network.params(), adam, s -> batch, List.of(), this::slice);
 *     public TrainingCore training() { return training; }
 *     private TrainingLoop.Step slice(long step, int from, int to) { ... }   // draws from Seeds.items(training.seed(), ...)
 * }
 * }</pre>
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public final class TrainingCore {

    /**
     * A model whose training is a {@link TrainingCore} it holds: {@code train}, {@code step} and
     * {@code dataParallel} answer from the core (a model may still override {@code dataParallel}, to decline it
     * for a configuration whose loss is not a sum over items).
     *
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public interface Holder extends GenerativeModel {

        /**
         * The model's training core (the provider reads a checkpoint's {@link TrainingState} into it).
         *
         * @return the core
         */
        TrainingCore training();

        @Override
        default TrainingResult train(TrainingRequest request, TrainingListener listener) {
            return training().train(request, listener);
        }

        @Override
        default long step() {
            return training().step();
        }

        @Override
        default Optional<DataParallel> dataParallel() {
            return Optional.of(training().dataParallel());
        }

        @Override
        default Optional<Tuning> tuning() {
            return Optional.of(training().tuning());
        }

        /** Writes the optimiser's moments apart from the parameters ({@link TrainingCore#save}). */
        @Override
        default void save(OutputStream payload, OutputStream trainingState) {
            save(Payload.apart(payload, trainingState));
        }
    }

    /**
     * A model that builds its network on first use ({@link DeferredNetwork}), so that one restored only to generate
     * reads its parameters as plain arrays ({@link TrainingState#readValues}) and samples from them without ND4J:
     * {@link #restore} hands it the values instead of asking for its core. It builds the core from them if asked
     * later (to evaluate, say): {@link TrainingCore#restoreForGeneration}.
     *
     * @since 1.5
     */
    @API(status = EXPERIMENTAL, since = "1.5")
    public interface Deferred extends Holder {

        /**
         * The names and shapes of the parameters, known from the payload's header alone (nothing built).
         *
         * @return the layout, as {@code ParamLayout.of} the core's parameters will be
         */
        dev.nova.kit.nn.ParamLayout layout();

        /**
         * Takes what a restore for generation only read: the model samples from the values, and builds its core from
         * them only when something else is asked of it.
         *
         * @param read the seed, the step and the parameters' values
         */
        void restoredForGeneration(TrainingState.Values read);
    }

    private final String pluginId;
    private final ParamSet params;
    private final Adam optimizer;
    private final SliceTraining slices;
    private long seed;
    private long step;
    /** Restored for generation and evaluation only: the optimiser's moments were not read. */
    private boolean withoutMoments;
    // Fine-tuning: the parameters that grew rows the parent never had (new characters or classes), how many rows, and
    // where to say that freezing them leaves those rows untrained.
    private List<String> grown = List.of();
    private int grownRows;
    private java.util.function.Consumer<String> notices = n -> { };

    /**
     * Creates the core of a model at step 0.
     *
     * @param pluginId for messages
     * @param seed the run's seed (the model context's)
     * @param params the model's parameters and gradients
     * @param optimizer the model's optimiser over {@code params}
     * @param globalBatch the items of each step
     * @param metricOrder the slice's metric names in the order to report them (others follow alphabetically)
     * @param slice one step's forward and backward pass over a slice of its batch; it must draw everything random
     *     about an item from that item's own stream ({@code Seeds.items(seed(), ...)})
     */
    public TrainingCore(String pluginId, long seed, ParamSet params, Adam optimizer, LongToIntFunction globalBatch,
                        List<String> metricOrder, SliceTraining.Slice slice) {
        this.pluginId = pluginId;
        this.params = params;
        this.optimizer = optimizer;
        this.seed = seed;
        this.slices = new SliceTraining(pluginId, params, optimizer, globalBatch, metricOrder, () -> step, s -> step = s,
                slice);
    }

    /**
     * Declares the model FLOPs of the slice's forward and backward pass ({@link Flops}), so that every step of
     * {@link #train} reports its model FLOPs (these plus the optimiser's) as the {@link Flops#STEP_EVENT_KEY} extra,
     * from which the host reports model FLOPs per second; {@link #dataParallel()}'s updates report the same. A model
     * that declares nothing reports none.
     *
     * @param ofItems the FLOPs of a pass over that many items of a batch
     * @return this core
     * @since 1.3
     */
    public TrainingCore declareFlops(IntToDoubleFunction ofItems) {
        slices.declareFlops(ofItems);
        return this;
    }

    /**
     * The model FLOPs of one whole step over {@code items} items: the declared pass and the optimiser's update.
     *
     * @param items the step's items
     * @return the FLOPs, or NaN when the model declared none
     * @since 1.3
     */
    public double stepFlops(int items) {
        return slices.stepFlops(items);
    }

    /** The run's seed: the context's for a new model, the checkpoint's after {@link #read}. */
    public long seed() {
        return seed;
    }

    /** Steps done. */
    public long step() {
        return step;
    }

    /**
     * Runs the steps a request asks for over whole batches.
     *
     * @param request how many steps, and the cancellation
     * @param listener receives one event per step
     * @return the steps run, and whether the request was cancelled
     * @throws dev.nova.api.PluginException if the loss is not finite
     */
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        requireMoments("train");
        return TrainingLoop.run(pluginId, request, listener, optimizer, step, s -> step = s, slices.wholeBatch());
    }

    /**
     * The same steps split into slices for data-parallel training.
     *
     * @return the capability
     */
    public DataParallel dataParallel() {
        return slices;
    }

    /**
     * Whether this core was restored without its optimiser's moments (for generation and evaluation only): it then
     * neither trains nor saves.
     *
     * @return true when the moments were not read
     * @since 1.4
     */
    public boolean restoredWithoutMoments() {
        return withoutMoments;
    }

    private void requireMoments(String what) {
        if (withoutMoments) {
            throw new PluginException(pluginId, "cannot " + what + " a model restored for generation only (its"
                    + " optimiser state was not read); restore it with its training state");
        }
    }

    /**
     * Starts this core, at step 0, from a parent model's parameters (fine-tuning): they are copied, grown where
     * {@code growth} says ({@link ParamSet#copyFrom}), and the optimiser starts afresh or, when asked, from the parent's
     * moments where the shapes did not change. The seed stays this core's.
     *
     * @param parent the parent model's core (restored from its checkpoint)
     * @param growth where the parent's vocabulary or class rows go
     * @param carryMoments whether to carry the parent's optimiser moments
     * @return the names of the parameters that grew
     * @throws dev.nova.api.CheckpointException if a parameter does not fit (naming it)
     * @since 1.3
     */
    public List<String> initFrom(TrainingCore parent, Growth growth, boolean carryMoments) {
        List<String> grown;
        try {
            grown = params.copyFrom(parent.params, growth);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(pluginId, e.getMessage());
        }
        if (carryMoments) {
            if (parent.withoutMoments) {
                throw new CheckpointException(pluginId, "the parent model was restored without its optimiser state,"
                        + " which carrying the optimiser state needs");
            }
            optimizer.carryMoments(parent.optimizer);
        } else {
            optimizer.reloadParameters();
        }
        step = 0;
        return grown;
    }

    /**
     * Remembers what {@link #initFrom} grew, so that freezing one of those parameters says that its new rows keep
     * their initial values (a frozen embedding never learns the characters added to its vocabulary).
     *
     * @param grownParameters the parameters that grew
     * @param growth the growth
     * @param notices where to say it (the fine-tuning request's)
     * @since 1.4
     */
    public void rememberGrowth(List<String> grownParameters, Growth growth, java.util.function.Consumer<String> notices) {
        this.grown = List.copyOf(grownParameters);
        this.grownRows = growth.size() - growth.parentSize();
        this.notices = notices;
    }

    /**
     * The model's parameters by name, and their freezing ({@link Tuning}).
     *
     * @return the capability, over this core's parameters and optimiser
     * @since 1.3
     */
    public Tuning tuning() {
        return new Tuning() {
            @Override
            public List<Parameter> parameters() {
                return params.params().entrySet().stream()
                        .map(e -> new Parameter(e.getKey(), e.getValue().shape())).toList();
            }

            @Override
            public float[] values(String name) {
                INDArray p = params.params().get(name);
                if (p == null) {
                    throw new PluginException(pluginId, "no parameter " + name + "; defined: " + params.names());
                }
                return dev.nova.kit.nn.Buffers.floats(p);
            }

            @Override
            public void freeze(Collection<String> names) {
                try {
                    optimizer.freeze(names);
                } catch (IllegalArgumentException e) {
                    throw new PluginException(pluginId, e.getMessage());
                }
                List<String> untrained = grown.stream().filter(names::contains).toList();
                if (!untrained.isEmpty() && grownRows > 0) {
                    notices.accept("warning: freezing " + String.join(", ", untrained) + " keeps the " + grownRows
                            + (grownRows == 1 ? " row" : " rows") + " grown for what the parent never saw (new"
                            + " characters or classes) at " + (grownRows == 1 ? "its initial values: it is" : "their"
                            + " initial values: they are") + " never trained; leave " + (untrained.size() == 1 ? "it"
                            : "them")
                            + " out of nova.finetune.freeze to train them");
                }
            }

            @Override
            public Set<String> frozen() {
                return new LinkedHashSet<>(optimizer.frozen());
            }
        };
    }

    /**
     * Writes the seed, the step, the parameters and the optimiser's moments ({@link TrainingState}).
     *
     * @param out the payload
     * @throws IOException if writing fails
     */
    public void write(DataOutputStream out) throws IOException {
        if (withoutMoments) {
            throw new IOException("the model was restored for generation only (its optimiser state was not read)");
        }
        new TrainingState(seed, step).write(out, params, optimizer);
    }

    /**
     * Reads what {@link #write} wrote into this core: the parameters and moments in place, then the seed and step.
     *
     * @param in the payload
     * @throws IOException if it is truncated or does not fit the model
     */
    public void read(DataInputStream in) throws IOException {
        TrainingState state = TrainingState.read(in, params, optimizer);
        seed = state.seed();
        step = state.step();
    }

    /**
     * Sets this core, just built without initial values ({@link ParamSet#withoutInitialValues}), to what a restore for
     * generation only read ({@link Deferred}): the parameters, the seed and the step; it then neither trains nor saves,
     * as a core restored for generation never does.
     *
     * @param read what the restore read
     * @throws IllegalArgumentException if the values do not fit the parameters
     * @since 1.5
     */
    public void restoreForGeneration(TrainingState.Values read) {
        if (!params.names().equals(List.copyOf(read.values().keySet()))) {
            throw new IllegalArgumentException("values for " + read.values().keySet() + ", parameters "
                    + params.names());
        }
        read.values().forEach((name, v) -> dev.nova.kit.nn.Buffers.write(v, params.get(name)));
        seed = read.state().seed();
        step = read.state().step();
        withoutMoments = true;
        params.fix();
    }

    /**
     * Writes a model's payload: the {@link Payload} frame around the model's own header (its architecture,
     * vocabulary or classes) followed by this core's state.
     *
     * @param out the payload stream
     * @param magic the plugin's payload magic
     * @param format the payload format written
     * @param header writes what the model needs before the state
     * @throws dev.nova.api.PluginException if writing fails
     */
    public void save(OutputStream out, long magic, int format, Payload.Body header) {
        if (!(out instanceof Payload.Output apart)) {
            Payload.write(pluginId, out, magic, format, d -> {
                header.write(d);
                write(d);
            });
            return;
        }
        // The host stores the two parts as two entries: generation reads and checks the parameters alone.
        requireMoments("save");
        TrainingState state = new TrainingState(seed, step);
        Payload.write(pluginId, apart, magic, format, d -> {
            header.write(d);
            state.writeApart(d, params);
        });
        Payload.write(pluginId, apart.trainingState(), magic, format, d -> state.writeMoments(d, optimizer));
    }

    /**
     * Reads what {@link #save} wrote: the frame, the model's header (the {@code header} reader checks it against
     * the configuration and builds the model), then the model's training state.
     *
     * @param pluginId for messages
     * @param payload the payload stream
     * @param magic the plugin's payload magic
     * @param formats the payload formats this version reads
     * @param header reads the model's header and builds the model
     * @param <M> the model type
     * @return the restored model
     * @throws dev.nova.api.CheckpointException if the payload is foreign, truncated or does not fit
     */
    public static <M extends Holder> M restore(String pluginId, InputStream payload, long magic, int[] formats,
                                               Payload.Reader<M> header) {
        // A plain stream restores everything; the host's says whether the training state comes, and from where.
        Optional<InputStream> stateApart = payload instanceof Payload.Input i ? i.trainingState() : Optional.empty();
        boolean forTraining = !(payload instanceof Payload.Input) || stateApart.isPresent();
        boolean[] apart = new boolean[1];
        M restored = Payload.read(pluginId, payload, magic, formats, (format, in) -> {
            // Every parameter is read from the payload below: drawing initial values first only costs time (8 s of
            // a 124M-parameter model's 23 s load).
            M model = ParamSet.withoutInitialValues(() -> header.read(format, in));
            if (!forTraining && model instanceof Deferred deferred) {
                // Generation only: the parameters as plain arrays, the network (and ND4J) left for later, if ever.
                deferred.restoredForGeneration(TrainingState.readValues(in, deferred.layout()));
                return model;
            }
            TrainingCore core = ParamSet.withoutInitialValues(model::training);
            TrainingState.Read read = TrainingState.read(in, core.params, core.optimizer, forTraining);
            core.seed = read.state().seed();
            core.step = read.state().step();
            apart[0] = read.apart();
            core.withoutMoments = !forTraining || (read.apart() && stateApart.isEmpty());
            if (core.withoutMoments) {
                core.params.fix();          // it never trains: sampling may use the parameters' memory as it is
            }
            return model;
        });
        if (apart[0] && stateApart.isPresent()) {
            TrainingCore core = restored.training();
            try {
                Payload.read(pluginId, stateApart.get(), magic, formats, (format, in) -> {
                    new TrainingState(core.seed, core.step).readMoments(in, core.optimizer);
                    return core;
                });
            } catch (RuntimeException e) {
                restored.close();
                throw e;
            }
        }
        return restored;
    }
}

package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A model created or restored by a {@link GeneratorProvider}: trained in chunks of steps driven by the host,
 * sampled, evaluated and saved.
 *
 * <p>The host drives the loop: it calls {@link #train} for a number of steps, then {@link #evaluate}, then
 * asks for a checkpoint with {@link #save}, and repeats. Between calls the model must be usable for
 * generation. Unless {@link #isThreadSafe()} says otherwise, the host never calls a model from two threads at
 * once.
 *
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GeneratorProvider} creates and restores it, and
 * its methods of 1.0 have not changed since; {@link #dataParallel()}, added in 1.2, stays EXPERIMENTAL.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public interface GenerativeModel extends AutoCloseable {

    /**
     * Runs up to {@link TrainingRequest#steps()} optimisation steps, reporting each to the listener.
     *
     * <p>The model checks {@link TrainingRequest#cancellation()} at least once per step and returns promptly
     * once it is cancelled, leaving itself usable (a half-done step may be discarded or completed).
     *
     * @param request how many steps, and the cancellation to honour
     * @param listener receives one {@link StepEvent} per completed step, in order
     * @return what was done
     * @throws PluginException if training fails (for example a non-finite loss)
     */
    TrainingResult train(TrainingRequest request, TrainingListener listener);

    /**
     * Generates samples.
     *
     * <p>For a fixed model state, the same request (same seed) gives the same samples; different seeds give
     * different samples. Text models may stream text to {@link GenerationRequest#listener()} as it is
     * produced.
     *
     * @param request count, seed and modality options
     * @return exactly {@code request.count()} samples
     * @throws PluginException if an option is invalid (naming it) or generation fails
     */
    List<Sample> generate(GenerationRequest request);

    /**
     * Evaluates the model on held-out data.
     *
     * @param request the data to evaluate on (default: the plugin's held-out split) and options
     * @return named metrics in a stable order; always contains {@value #LOSS}, the mean held-out loss per
     *     item in nats
     * @throws PluginException if evaluation fails
     */
    Map<String, Double> evaluate(EvaluationRequest request);

    /**
     * Writes everything needed to restore this model exactly (see {@link GeneratorProvider#restore}).
     *
     * <p>The payload should start with a plugin-specific header so that {@code restore} can reject payloads
     * of other plugins or formats clearly. The host owns and closes the stream and makes the write atomic.
     *
     * @param out where to write
     * @throws CheckpointException if the state cannot be written
     */
    void save(OutputStream out);

    /**
     * Writes the same as {@link #save(OutputStream)} in two parts: into {@code payload} what generation and evaluation
     * need (settings, vocabulary, parameters, step), into {@code trainingState} what only training needs (an
     * optimiser's moments, above all: twice the parameters' size for Adam). The host stores them as two entries of a
     * checkpoint, so that {@code nova generate}, {@code evaluate} and {@code serve} read and check the parameters
     * alone ({@link GeneratorProvider#restore(com.typesafe.config.Config, ModelContext, java.io.InputStream,
     * Optional)}).
     *
     * <p>Write {@code payload} whole before the first byte of {@code trainingState}: the host closes the payload's
     * entry there, and a later write to it fails. A plugin that overrides this method also overrides the four-argument
     * {@code restore}. By default everything goes into {@code payload} and {@code trainingState} stays empty.
     *
     * @param payload what generation and evaluation read
     * @param trainingState what only training reads
     * @throws CheckpointException if the state cannot be written
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    default void save(OutputStream payload, OutputStream trainingState) {
        save(payload);
    }

    /**
     * The number of optimisation steps this model has completed, including those before a restore.
     *
     * @return the step count
     */
    long step();

    /**
     * Whether {@link #generate} may be called from several threads at once with the same results as
     * sequential calls. The host serialises calls to models that return {@code false}.
     *
     * @return {@code true} if concurrent generation is safe
     */
    default boolean isThreadSafe() {
        return false;
    }

    /**
     * This model's data-parallel capability, if it has one: what a host needs to train it on many replicas at
     * once, equal to {@link #train} on one.
     *
     * @return the capability, or empty (the default) when the model trains only in one process
     * @since 1.2
     */
    @API(status = EXPERIMENTAL, since = "1.2")
    default Optional<DataParallel> dataParallel() {
        return Optional.empty();
    }

    /**
     * This model's capability to name its parameters and freeze some of them, if it has one.
     *
     * @return the capability, or empty (the default)
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    default Optional<Tuning> tuning() {
        return Optional.empty();
    }

    /**
     * This model's real data, for sample-quality metrics the host computes for any plugin of a modality
     * ({@code nova evaluate --quality}), if it offers it.
     *
     * @return the data, or empty (the default)
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    default Optional<ReferenceData> referenceData() {
        return Optional.empty();
    }

    /**
     * How this text model's text becomes tokens, if it says: the unit of {@link GenerationRequest#LENGTH} and of a
     * server's token counts.
     *
     * @return the tokens, or empty (the default: the host counts characters)
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    default Optional<TextTokens> textTokens() {
        return Optional.empty();
    }

    /**
     * This text model's capability to generate several requests together, if it has one: what a server uses to serve
     * concurrent requests with one forward pass per token for all of them. Each request's samples stay exactly those of
     * {@link #generate} for it.
     *
     * @return the capability, or empty (the default: the host generates requests one after another)
     * @since 1.5
     */
    @API(status = EXPERIMENTAL, since = "1.5")
    default Optional<Batching> batching() {
        return Optional.empty();
    }

    /** Releases native memory and threads; the model is unusable afterwards. */
    @Override
    default void close() {
    }

    /** The metric key every evaluation returns. */
    String LOSS = "loss";
}

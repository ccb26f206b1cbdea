package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import com.typesafe.config.Config;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The service a Nova plugin provides: {@code provides dev.nova.api.GeneratorProvider with ...}.
 *
 * <p>Constructing a provider and calling {@link #info()} must be cheap: no native backend, no file I/O, no
 * threads. The host lists plugins without initialising ND4J; heavy work starts in {@link #create} or
 * {@link #restore}.
 *
 * <p>The {@code config} given to each method is the plugin's own subtree ({@code plugins.<id>}), already
 * layered as the plugin's {@code reference.conf} &lt; the run file &lt; command-line overrides, resolved and
 * checked by the host against the reference for unknown keys and value types. Relative paths in it are
 * resolved against {@link ModelContext#baseDirectory()}.
 *
 * <p>Only {@link PluginException} and its subclasses may cross this interface.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public interface GeneratorProvider {

    /**
     * Describes the plugin; called often, must not fail.
     *
     * @return the plugin's metadata
     */
    PluginInfo info();

    /**
     * Checks values the host cannot check from the reference alone (ranges, enumerations, existing files).
     * Reports every problem at once; the host attaches each problem's origin ({@code file: line}).
     *
     * @param config the plugin's subtree
     * @return the problems found, empty when the config is valid
     */
    default List<ConfigProblem> validate(Config config) {
        return List.of();
    }

    /**
     * Checks a configuration the host is about to {@linkplain #create create} a model from, where relative paths
     * can be resolved: everything {@link #validate(Config)} checks, plus what depends on files (that a data file
     * exists, say). The host calls it for the one plugin it is starting, before the run directory exists;
     * {@link #validate(Config)} is called for every installed plugin whenever a configuration is loaded and so must
     * not depend on files.
     *
     * @param config the plugin's subtree
     * @param baseDirectory what relative paths in it are resolved against (as {@link ModelContext#baseDirectory()})
     * @return the problems found, empty when the config is valid
     * @since 1.1
     */
    @API(status = EXPERIMENTAL, since = "1.1")
    default List<ConfigProblem> validate(Config config, Path baseDirectory) {
        return validate(config);
    }

    /**
     * Creates a fresh, untrained model.
     *
     * @param config the plugin's subtree
     * @param context what the host hands the model: seed, directories, cancellation
     * @return a model ready to train
     * @throws InvalidConfigException if the config is invalid
     * @throws PluginException if the model cannot be built (for example unreadable training data)
     */
    GenerativeModel create(Config config, ModelContext context);

    /**
     * Restores a model from a checkpoint payload written by {@link GenerativeModel#save}.
     *
     * <p>The payload must restore everything needed for exact resume: parameters, optimiser state, step,
     * data position and random state.
     *
     * @param config the plugin's subtree
     * @param context what the host hands the model
     * @param payload the bytes the model wrote; the host closes it
     * @return the restored model
     * @throws CheckpointException if the payload is truncated, corrupt, or written by another plugin or format
     */
    GenerativeModel restore(Config config, ModelContext context, InputStream payload);

    /**
     * Restores a model from the two parts {@link GenerativeModel#save(java.io.OutputStream, java.io.OutputStream)}
     * wrote. Without {@code trainingState} the model is restored for generation and evaluation only: the host neither
     * trains nor saves it, and the plugin need not allocate what only training uses (an optimiser's moments). A
     * payload that holds its training state inline (written by {@link GenerativeModel#save(java.io.OutputStream)})
     * comes without a {@code trainingState}; the plugin may skip what the model will not use.
     *
     * <p>By default, {@link #restore(Config, ModelContext, InputStream)} of the payload, which is right for a plugin
     * that writes everything into the payload.
     *
     * @param config the plugin's subtree
     * @param context what the host hands the model
     * @param payload the first part; the host closes it
     * @param trainingState the second part, or empty when the model is restored for generation and evaluation only;
     *     the host closes it
     * @return the restored model
     * @throws CheckpointException if a part is truncated, corrupt, or written by another plugin or format
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    default GenerativeModel restore(Config config, ModelContext context, InputStream payload,
                                    Optional<InputStream> trainingState) {
        return restore(config, context, payload);
    }

    /**
     * A tiny configuration for the conformance kit ({@code nova tck}), training in seconds.
     *
     * <p>The plugin may write small data files into {@code scratch} and point its config there. The returned
     * config is the plugin's subtree and is layered over its reference.
     *
     * @param scratch an empty directory the plugin may write into
     * @return the tiny config, or empty if the plugin cannot be certified this way
     */
    @API(status = EXPERIMENTAL, since = "1.0")
    default Optional<Config> conformanceConfig(Path scratch) {
        return Optional.empty();
    }

    /**
     * What the conformance kit needs to exercise every rule: the tiny configuration of
     * {@link #conformanceConfig(Path)} and the facts only the plugin knows (its vocabulary, a setting value
     * {@code validate} must reject, ...). {@code nova tck} and a plugin's own build read it alike, so they give the
     * same verdict. By default, the tiny configuration alone; rules that need a fact not declared are reported as
     * not exercised.
     *
     * @param scratch an empty directory the plugin may write into
     * @return the profile, or empty if the plugin cannot be certified this way
     * @since 1.1
     */
    @API(status = EXPERIMENTAL, since = "1.1")
    default Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(ConformanceProfile::of);
    }

    /**
     * This plugin's capability to start a model from another run's model, if it has one: what
     * {@code nova train --init-from} needs.
     *
     * <p>Like {@link #info()}, it must be cheap and touch neither files nor the native backend.
     *
     * @return the capability, or empty (the default) when every model starts from fresh parameters
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    default Optional<FineTuning> fineTuning() {
        return Optional.empty();
    }

    /**
     * This plugin's capability to start a model from weights published by others, if it has one: what
     * {@code nova import} needs.
     *
     * <p>Like {@link #info()}, it must be cheap and touch neither files nor the native backend.
     *
     * @return the capability, or empty (the default)
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    default Optional<OpenWeights> openWeights() {
        return Optional.empty();
    }
}

package dev.nova.host.internal.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one command asked for, as the command line gave it: the input of a run's plan.
 *
 * @param verb what the command does
 * @param runFile the run file ({@code train}, {@code config})
 * @param overrides {@code --set path=value} strings
 * @param plugin the plugin named on the command line ({@code --plugin}, or {@code config}'s argument)
 * @param pluginPath {@code --plugin-path}
 * @param environmentPluginPath {@code $NOVA_PLUGIN_PATH}
 * @param runDir {@code train --run-dir}, or the run that {@code resume} continues
 * @param checkpoint the checkpoint or run folder that {@code generate} and {@code evaluate} read
 * @param steps {@code resume --steps}: the new total
 * @param shards {@code --cluster-shards}, or 0 to train in this process
 */
public record Invocation(Verb verb, Optional<Path> runFile, List<String> overrides, Optional<String> plugin,
                         Optional<Path> pluginPath, Optional<Path> environmentPluginPath, Optional<Path> runDir,
                         Optional<Path> checkpoint, Optional<Long> steps, int shards) {

    /** What a command does with its plan. */
    public enum Verb {
        /** Lists plugins: discovery only. */
        LIST,
        /** Shows a plugin's configuration: discovery and configuration, no plan. */
        CONFIG,
        /** Starts a new run from a configuration. */
        TRAIN,
        /** Continues a run from its latest checkpoint. */
        RESUME,
        /** Reads a checkpoint to generate or evaluate. */
        READ
    }

    /** Copies the overrides. */
    public Invocation {
        overrides = List.copyOf(overrides);
    }

    /** {@code $NOVA_PLUGIN_PATH}, when set. */
    private static Optional<Path> fromEnvironment() {
        return Optional.ofNullable(System.getenv("NOVA_PLUGIN_PATH")).filter(s -> !s.isEmpty()).map(Path::of);
    }

    /**
     * {@code nova plugins} and {@code nova tck}.
     *
     * @param pluginPath {@code --plugin-path}
     * @return the invocation
     */
    public static Invocation list(Optional<Path> pluginPath) {
        return new Invocation(Verb.LIST, Optional.empty(), List.of(), Optional.empty(), pluginPath,
                fromEnvironment(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    /**
     * {@code nova config}.
     *
     * @param plugin the plugin shown
     * @param runFile {@code --conf}
     * @param overrides {@code --set}
     * @param pluginPath {@code --plugin-path}
     * @return the invocation
     */
    public static Invocation config(String plugin, Optional<Path> runFile, List<String> overrides,
                                    Optional<Path> pluginPath) {
        return new Invocation(Verb.CONFIG, runFile, overrides, Optional.of(plugin), pluginPath, fromEnvironment(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    /**
     * {@code nova train}.
     *
     * @param runFile the run file
     * @param plugin {@code --plugin}
     * @param runDir {@code --run-dir}
     * @param shards {@code --cluster-shards}, or 0
     * @param overrides {@code --set}
     * @param pluginPath {@code --plugin-path}
     * @return the invocation
     */
    public static Invocation train(Optional<Path> runFile, Optional<String> plugin, Optional<Path> runDir, int shards,
                                   List<String> overrides, Optional<Path> pluginPath) {
        return new Invocation(Verb.TRAIN, runFile, overrides, plugin, pluginPath, fromEnvironment(), runDir,
                Optional.empty(), Optional.empty(), shards);
    }

    /**
     * {@code nova resume}.
     *
     * @param runDir the run
     * @param steps {@code --steps}
     * @param shards {@code --cluster-shards}, or 0
     * @param pluginPath {@code --plugin-path}
     * @return the invocation
     */
    public static Invocation resume(Path runDir, Optional<Long> steps, int shards, Optional<Path> pluginPath) {
        return new Invocation(Verb.RESUME, Optional.empty(), List.of(), Optional.empty(), pluginPath,
                fromEnvironment(), Optional.of(runDir), Optional.of(runDir), steps, shards);
    }

    /**
     * {@code nova generate} and {@code nova evaluate}.
     *
     * @param checkpoint a checkpoint file or run folder
     * @param pluginPath {@code --plugin-path}
     * @return the invocation
     */
    public static Invocation read(Path checkpoint, Optional<Path> pluginPath) {
        return new Invocation(Verb.READ, Optional.empty(), List.of(), Optional.empty(), pluginPath,
                fromEnvironment(), Optional.empty(), Optional.of(checkpoint), Optional.empty(), 0);
    }
}

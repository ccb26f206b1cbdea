package dev.nova.host.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginEntry;
import dev.nova.host.internal.support.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Layers configuration: the host's and each plugin's {@code reference.conf} &lt; a run file &lt;
 * {@code --set path=value} overrides; then resolves and validates it eagerly. Each file is parsed once, through a
 * {@link ConfigSource}; a command validates once.
 */
public final class ConfigLoader {

    private final ConfigSource source;

    /**
     * Creates a loader.
     *
     * @param source where files are parsed
     */
    public ConfigLoader(ConfigSource source) {
        this.source = source;
    }

    /**
     * Loads and validates with the files themselves (tests and one-off uses).
     *
     * @param catalog the discovered plugins
     * @param runFile an optional run file
     * @param overrides {@code path=value} strings
     * @return the effective, validated configuration
     * @throws ConfigErrors listing every problem, with origins
     */
    public static Config load(PluginCatalog catalog, Optional<Path> runFile, List<String> overrides) {
        ConfigLoader loader = new ConfigLoader(ConfigSource.hocon());
        return loader.validate(loader.layer(catalog, loader.userLayers(runFile, overrides)), catalog, Optional.empty(),
                Path.of(""));
    }

    /**
     * Parses the user's layers (run file and overrides), unresolved: the host reads settings such as the plugin path
     * from them before plugins are discovered, then layers them over the references.
     *
     * @param runFile an optional HOCON run file
     * @param overrides {@code path=value} strings
     * @return the user's layers merged
     */
    public Config userLayers(Optional<Path> runFile, List<String> overrides) {
        Config user = ConfigFactory.empty();
        for (String set : overrides) {
            user = parseOverride(set).withFallback(user);
        }
        if (runFile.isPresent()) {
            user = user.withFallback(source.runFile(runFile.get()));
        }
        return user;
    }

    /**
     * Layers the user's config over the references and resolves it; {@link #validate} checks it.
     *
     * @param catalog the discovered plugins (their references are layered in)
     * @param user the user's layers, from {@link #userLayers}
     * @return the resolved configuration and the references it was layered over
     * @throws ConfigErrors when it does not resolve
     */
    public Layered layer(PluginCatalog catalog, Config user) {
        Config reference = references(catalog);
        try {
            return new Layered(user.withFallback(reference).resolve(), reference);
        } catch (ConfigException e) {
            throw new ConfigErrors(List.of(oneLine(e)));
        }
    }

    /**
     * Validates a layered configuration once: keys, types, the host's ranges, and each installed plugin's own checks
     * (the plugin about to start with its files, where relative paths resolve against {@code baseDirectory}).
     *
     * @param layered the configuration, from {@link #layer}
     * @param catalog the discovered plugins
     * @param starting the plugin a command is about to start, if any
     * @param baseDirectory where that plugin's relative paths resolve
     * @return the effective, validated configuration
     * @throws ConfigErrors listing every problem, with origins
     */
    public Config validate(Layered layered, PluginCatalog catalog, Optional<String> starting, Path baseDirectory) {
        ConfigValidator.validate(layered.effective(), layered.reference(), catalog,
                starting.filter(id -> catalog.find(id).isPresent()).map(id -> new ConfigValidator.Start(id, baseDirectory)));
        return layered.effective();
    }

    /**
     * The host's own defaults ({@code nova.*}).
     *
     * @return the defaults
     */
    public Config hostReference() {
        return source.reference(ConfigLoader.class, "nova host reference.conf");
    }

    /**
     * A configuration layered over the references, resolved, not yet validated.
     *
     * @param effective the resolved configuration
     * @param reference the references it was layered over (what keys and types are known)
     */
    public record Layered(Config effective, Config reference) {
    }

    /**
     * Checks a configuration saved in a checkpoint (with {@code --steps} over it) before a run continues from it: the
     * host's ranges and the plugin's own checks, with its files.
     *
     * @param saved the configuration
     * @param plugin the plugin that continues
     * @param baseDirectory where its relative paths resolve
     * @throws ConfigErrors listing every problem
     */
    public static void validateSaved(Config saved, PluginEntry plugin, Path baseDirectory) {
        ConfigValidator.validateSaved(saved, plugin.displayId(), plugin.provider().orElseThrow(), baseDirectory);
    }

    /** The host's reference merged with every loaded plugin's {@code plugins.<id>} reference. */
    private Config references(PluginCatalog catalog) {
        Config merged = hostReference();
        for (Map.Entry<String, PluginEntry> e : catalog.loaded().entrySet()) {
            String id = e.getKey();
            Class<?> anchor = e.getValue().provider().orElseThrow().getClass();
            Config c = source.reference(anchor, "plugin '" + id + "' reference.conf (" + e.getValue().location() + ")");
            String path = "plugins." + id;
            merged = merged.withFallback(c.hasPath(path) ? c.withOnlyPath(path) : ConfigFactory.empty());
        }
        return merged;
    }

    /**
     * The origin comment the loader keeps on a default written as a real number (so that {@code 0.0} is not taken for
     * a whole number); it says nothing to a reader, and the run's {@code config.conf} leaves it out.
     */
    public static final String INTERNAL_MARK = RealNumbers.REAL;

    /**
     * An override that a command-line option sets, so that the run's configuration names that option as its origin
     * ({@code --init-from}, not {@code --set nova.init-from}).
     *
     * @param option the option, starting with {@code --}
     * @param path the setting
     * @param value its HOCON value
     * @return an entry for {@link #userLayers}'s overrides
     */
    public static String fromOption(String option, String path, String value) {
        if (!option.startsWith("--") || option.contains(" ")) {
            throw new IllegalArgumentException("not an option: " + option);
        }
        return option + " " + path + "=" + value;
    }

    private static Config parseOverride(String entry) {
        String set = entry;
        String origin = null;
        // an option's override (fromOption): "--option path=value", where a path never starts with "--"
        if (entry.startsWith("--") && entry.indexOf(' ') > 0 && entry.indexOf(' ') < entry.indexOf('=')) {
            origin = entry.substring(0, entry.indexOf(' '));
            set = entry.substring(entry.indexOf(' ') + 1);
        }
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("--set '" + set + "': expected path=value, for example plugins.text-gru.model.hidden=512");
        }
        String path = set.substring(0, eq).strip();
        String value = set.substring(eq + 1).strip();
        SafeParse.checkDepth(value, origin != null ? origin : "--set " + path);
        String description = origin != null ? origin : "--set " + path;
        ConfigParseOptions opts = ConfigParseOptions.defaults().setOriginDescription(description);
        try {
            return ConfigFactory.parseString(path + " = " + value, opts);
        } catch (ConfigException e) {
            // Not valid HOCON (for example a path with spaces): take the value as a plain string.
            try {
                return ConfigFactory.parseMap(Map.of(path, value), description);
            } catch (ConfigException e2) {
                throw new UsageException("--set '" + set + "': " + oneLine(e));
            }
        }
    }

    static String oneLine(ConfigException e) {
        return e.getMessage().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Reads an optional string setting.
     *
     * @param config the config
     * @param path the key
     * @return its value, empty when null or absent
     */
    public static Optional<String> optionalString(Config config, String path) {
        return config.hasPath(path) ? Optional.of(config.getString(path)) : Optional.empty();
    }
}

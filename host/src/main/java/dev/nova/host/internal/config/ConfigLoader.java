package dev.nova.host.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import dev.nova.api.GeneratorProvider;
import dev.nova.host.internal.UsageException;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Layers configuration: the host's and each plugin's {@code reference.conf} &lt; a run file &lt;
 * {@code --set path=value} overrides; then resolves and validates it eagerly.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Parses the user's layers (run file and overrides), unresolved, to read host settings such as the plugin
     * path before plugins are discovered.
     *
     * @param runFile an optional HOCON run file
     * @param overrides {@code path=value} strings
     * @return the user's layers merged
     */
    public static Config userLayers(Optional<Path> runFile, List<String> overrides) {
        Config user = ConfigFactory.empty();
        for (String set : overrides) {
            user = parseOverride(set).withFallback(user);
        }
        if (runFile.isPresent()) {
            user = user.withFallback(parseRunFile(runFile.get()));
        }
        return user;
    }

    /**
     * Loads, layers, resolves and validates the full configuration.
     *
     * @param catalog the discovered plugins (their references are layered in)
     * @param runFile an optional run file
     * @param overrides {@code path=value} strings
     * @return the effective, validated configuration
     * @throws ConfigErrors listing every problem, with origins
     */
    public static Config load(PluginCatalog catalog, Optional<Path> runFile, List<String> overrides) {
        Config user = userLayers(runFile, overrides);
        Config reference = references(catalog);
        Config effective;
        try {
            effective = user.withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new ConfigErrors(List.of(oneLine(e)));
        }
        ConfigValidator.validate(effective, reference, catalog);
        return effective;
    }

    /**
     * Checks the host's own settings ({@code nova.train.*}) of a configuration that did not come through
     * {@link #load} (a checkpoint's, with {@code --steps} over it).
     *
     * @param config the configuration
     * @throws ConfigErrors listing every problem, with origins
     */
    public static void checkHostRanges(Config config) {
        List<String> problems = new ArrayList<>();
        ConfigValidator.hostRanges(config, problems);
        if (!problems.isEmpty()) {
            throw new ConfigErrors(problems);
        }
    }

    /**
     * The checks of the one plugin about to start, where relative paths resolve
     * ({@link GeneratorProvider#validate(Config, Path)}: that its data files exist, say); bounded in time.
     *
     * @param effective the effective configuration (for the origins of values)
     * @param pluginId the plugin
     * @param provider its provider
     * @param baseDirectory what relative paths resolve against
     * @throws ConfigErrors listing every problem with its origin
     */
    public static void validateForRun(Config effective, String pluginId, GeneratorProvider provider, Path baseDirectory) {
        String root = "plugins." + pluginId;
        Config sub = effective.hasPath(root) ? effective.getConfig(root) : ConfigFactory.empty();
        List<dev.nova.api.ConfigProblem> found;
        try {
            found = dev.nova.host.internal.run.PluginCalls.bounded(pluginId, provider.getClass(), "validate",
                    dev.nova.host.internal.run.PluginCalls.CHEAP, () -> provider.validate(sub, baseDirectory));
        } catch (dev.nova.api.PluginException e) {
            throw new ConfigErrors(List.of(e.getMessage().replaceFirst("^plugin '([^']*)': ",
                    "plugin '$1' failed while validating its config: ")));
        }
        ConfigValidator.report(effective, pluginId, found == null ? List.of() : found);
    }

    /**
     * The host's reference merged with every loaded plugin's {@code plugins.<id>} reference.
     *
     * @param catalog the discovered plugins
     * @return the merged references
     */
    public static Config references(PluginCatalog catalog) {
        Config merged = hostReference();
        for (Map.Entry<String, PluginEntry> e : catalog.loaded().entrySet()) {
            merged = merged.withFallback(pluginReference(e.getKey(), e.getValue()));
        }
        return merged;
    }

    /** The host's own defaults ({@code nova.*}). */
    public static Config hostReference() {
        return readResource(ConfigLoader.class.getModule(), "nova host reference.conf");
    }

    /**
     * One plugin's reference, reduced to {@code plugins.<id>}. It is read from the plugin's own module, so a
     * plugin in a child layer is read through that layer's class loader.
     *
     * @param id the plugin id
     * @param entry the plugin
     * @return its defaults
     */
    public static Config pluginReference(String id, PluginEntry entry) {
        Module module = entry.provider().orElseThrow().getClass().getModule();
        Config c = readResource(module, "plugin '" + id + "' reference.conf (" + entry.location() + ")");
        String path = "plugins." + id;
        return c.hasPath(path) ? c.withOnlyPath(path) : ConfigFactory.empty();
    }

    private static Config readResource(Module module, String description) {
        try (InputStream in = module.getResourceAsStream("reference.conf")) {
            if (in == null) {
                return ConfigFactory.empty();
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            ConfigParseOptions options = ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                    .setOriginDescription(description);
            return markReals(ConfigFactory.parseString(text, options), text, options);
        } catch (IOException e) {
            throw new UsageException("cannot read " + description + ": " + e.getMessage());
        } catch (ConfigException e) {
            throw new ConfigErrors(List.of(oneLine(e)));
        }
    }

    /** The origin comment that marks a default written with a decimal point or exponent. */
    static final String REAL = "nova:real-valued";

    /** A number literal with a fraction or an exponent, as a value (after '=' or ':'). */
    private static final java.util.regex.Pattern REAL_LITERAL = java.util.regex.Pattern.compile(
            "([=:]\\s*)(-?\\d+\\.\\d*(?:[eE][-+]?\\d+)?|-?\\d+[eE][-+]?\\d+)(?=\\s*(?:[,}\\]#\\n\\r]|//|$))");

    /**
     * Marks the defaults written as real numbers. Typesafe Config reads {@code 0.0} and {@code 1.0} as the integers 0
     * and 1, so the type of {@code weight-decay = 0.0} would otherwise be taken for a whole number and
     * {@code --set ...weight-decay=0.01} refused. The text is parsed a second time with each such literal replaced
     * by a marker; the paths that hold the marker get {@link #REAL} in their origin's comments.
     */
    private static Config markReals(Config parsed, String text, ConfigParseOptions options) {
        String marked = REAL_LITERAL.matcher(text).replaceAll("$1\"" + REAL + "\"");
        Config markers;
        try {
            markers = ConfigFactory.parseString(marked, options);
        } catch (ConfigException e) {
            return parsed;
        }
        Config out = parsed;
        for (Map.Entry<String, ConfigValue> e : markers.entrySet()) {
            if (REAL.equals(e.getValue().unwrapped()) && parsed.hasPath(e.getKey())) {
                ConfigValue v = parsed.getValue(e.getKey());
                List<String> comments = new ArrayList<>(v.origin().comments());
                comments.add(REAL);
                out = out.withValue(e.getKey(), v.withOrigin(v.origin().withComments(comments)));
            }
        }
        return out;
    }

    private static Config parseRunFile(Path file) {
        return SafeParse.file(file, "run file");
    }

    private static Config parseOverride(String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("--set '" + set + "': expected path=value, for example plugins.text-gru.hidden=512");
        }
        String path = set.substring(0, eq).strip();
        String value = set.substring(eq + 1).strip();
        SafeParse.checkDepth(value, "--set " + path);
        ConfigParseOptions opts = ConfigParseOptions.defaults().setOriginDescription("--set " + path);
        try {
            return ConfigFactory.parseString(path + " = " + value, opts);
        } catch (ConfigException e) {
            // Not valid HOCON (for example a path with spaces): take the value as a plain string.
            try {
                return ConfigFactory.parseMap(Map.of(path, value), "--set " + path);
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

package dev.nova.kit.support;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.nova.api.ConfigProblem;
import dev.nova.api.InvalidConfigException;
import dev.nova.api.PluginException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * A plugin's configuration: its defaults from the {@code reference.conf} at its jar root, and the two things a
 * provider does with a config subtree, validating it and reading it into a settings record.
 *
 * <pre>{@code
 * private static final PluginConfig CONFIG = PluginConfig.of(MarkovProvider.class, "markov");
 * public List<ConfigProblem> validate(Config c) { return CONFIG.validate(c, Settings::problems); }
 * public GenerativeModel create(Config c, ModelContext ctx) { Settings s = CONFIG.read(c, Settings::of); ... }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class PluginConfig {

    private final String pluginId;
    private final Config reference;

    private PluginConfig(String pluginId, Config reference) {
        this.pluginId = pluginId;
        this.reference = reference;
    }

    /**
     * Loads the {@code plugins.<id>} subtree of the {@code reference.conf} at the root of {@code anchor}'s module
     * (through that module, so it works in a child layer and for a jar on the class path alike).
     *
     * @param anchor any class of the plugin
     * @param pluginId the plugin id
     * @return the plugin's configuration helper
     * @throws PluginException if the file is missing or malformed, naming the plugin
     */
    public static PluginConfig of(Class<?> anchor, String pluginId) {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(pluginId, "pluginId");
        try (InputStream in = anchor.getModule().getResourceAsStream("reference.conf")) {
            if (in == null) {
                throw new PluginException(pluginId, "no reference.conf at the root of module " + anchor.getModule().getName()
                        + "; every plugin ships its defaults under plugins." + pluginId);
            }
            Config all = ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setOriginDescription(pluginId + " reference.conf"));
            if (!all.hasPath("plugins." + pluginId)) {
                throw new PluginException(pluginId, "reference.conf has no plugins." + pluginId + " section");
            }
            return new PluginConfig(pluginId, all.getConfig("plugins." + pluginId));
        } catch (IOException | ConfigException e) {
            throw new PluginException(pluginId, "cannot read reference.conf: " + e.getMessage(), e);
        }
    }

    /** The plugin id. */
    public String pluginId() {
        return pluginId;
    }

    /** The plugin's defaults (its {@code plugins.<id>} subtree). */
    public Config reference() {
        return reference;
    }

    /**
     * Everything wrong with a config subtree: unknown keys, then what {@code checks} finds in it with the
     * defaults filled in. A wrongly typed value is reported under its key and does not hide other problems.
     *
     * @param given the plugin's subtree as given
     * @param checks the plugin's range checks, for example {@code Settings::problems}
     * @return every problem, possibly none
     */
    public List<ConfigProblem> validate(Config given, Function<Config, List<ConfigProblem>> checks) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigProblem.unknownKeys(given, reference));
        try {
            problems.addAll(checks.apply(given.withFallback(reference)));
        } catch (ConfigException e) {
            problems.add(new ConfigProblem(Checks.keyOf(e), Checks.messageOf(e)));
        }
        return problems;
    }

    /**
     * Reads a settings record from a config subtree with the defaults filled in.
     *
     * @param given the plugin's subtree as given
     * @param reader builds the record, for example {@code Settings::of}; may throw {@link InvalidConfigException}
     * @param <T> the settings type
     * @return the settings
     * @throws PluginException (an {@link InvalidConfigException} when values are out of range) naming the plugin
     */
    public <T> T read(Config given, Function<Config, T> reader) {
        try {
            return reader.apply(given.withFallback(reference));
        } catch (ConfigException e) {
            throw new InvalidConfigException(pluginId, List.of(new ConfigProblem(Checks.keyOf(e), Checks.messageOf(e))));
        }
    }
}

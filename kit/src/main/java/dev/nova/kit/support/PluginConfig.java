package dev.nova.kit.support;

import dev.nova.formats.resources.OwnResource;
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
 * private static final PluginConfig CONFIG = PluginConfig.of(MarkovProvider.class, "markov");   // no I/O yet
 * public List<ConfigProblem> validate(Config c) { return CONFIG.validate(c, Settings::problems); }
 * public GenerativeModel create(Config c, ModelContext ctx) { Settings s = CONFIG.read(c, Settings::of); ... }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class PluginConfig {

    private final Class<?> anchor;
    private final String pluginId;
    private volatile Config reference;

    private PluginConfig(Class<?> anchor, String pluginId) {
        this.anchor = anchor;
        this.pluginId = pluginId;
    }

    /**
     * The configuration of a plugin whose defaults are the {@code plugins.<id>} subtree of the
     * {@code reference.conf} at the root of {@code anchor}'s module (read through that module, so it works in a child
     * layer and for a jar on the class path alike). Cheap: the file is read on first use, so a provider may keep one
     * in a static field and still do no I/O in {@code info()}.
     *
     * @param anchor any class of the plugin
     * @param pluginId the plugin id
     * @return the plugin's configuration helper
     */
    public static PluginConfig of(Class<?> anchor, String pluginId) {
        return new PluginConfig(Objects.requireNonNull(anchor, "anchor"), Objects.requireNonNull(pluginId, "pluginId"));
    }

    private static Config load(Class<?> anchor, String pluginId) {
        try (InputStream in = OwnResource.open(anchor, "reference.conf")) {
            if (in == null) {
                throw new PluginException(pluginId, "no reference.conf at the root of module " + anchor.getModule().getName()
                        + "; every plugin ships its defaults under plugins." + pluginId);
            }
            Config all = ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setOriginDescription(pluginId + " reference.conf"));
            if (!all.hasPath("plugins." + pluginId)) {
                throw new PluginException(pluginId, "reference.conf has no plugins." + pluginId + " section");
            }
            return all.getConfig("plugins." + pluginId);
        } catch (IOException | ConfigException e) {
            throw new PluginException(pluginId, "cannot read reference.conf: " + e.getMessage(), e);
        }
    }

    /** The plugin id. */
    public String pluginId() {
        return pluginId;
    }

    /**
     * The plugin's defaults (its {@code plugins.<id>} subtree), read on first use.
     *
     * @return the defaults
     * @throws PluginException if the file is missing or malformed, naming the plugin
     */
    public Config reference() {
        Config r = reference;
        if (r == null) {
            r = load(anchor, pluginId);
            reference = r;
        }
        return r;
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
        List<ConfigProblem> problems = new ArrayList<>(ConfigProblem.unknownKeys(given, reference()));
        try {
            problems.addAll(checks.apply(given.withFallback(reference())));
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
            return reader.apply(given.withFallback(reference()));
        } catch (ConfigException e) {
            throw new InvalidConfigException(pluginId, List.of(new ConfigProblem(Checks.keyOf(e), Checks.messageOf(e))));
        }
    }
}

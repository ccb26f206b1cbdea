package dev.nova.host.cluster.protocol;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a cluster launcher's engine is told once per training run: which plugin, configured how, and where its files
 * are, so that every executor can build a replica of the run's model. It crosses the host's module layer as the map of
 * {@link #toMap()}: a launcher on Spark's class path cannot see this type, so it reads and adds keys (it may add its
 * own, which {@link #of} ignores).
 *
 * @param plugin the plugin id
 * @param pluginPath the plugin folder the run was loaded from, or {@code ""} for a plugin on the module path
 * @param config the plugin's settings as JSON
 * @param seed the run's seed
 * @param baseDirectory the absolute folder relative data paths resolve against, on every machine
 * @param shards how many slices each step's batch is cut into
 * @param key identifies the model configuration (a SHA-256), for executors' replica caches
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ClusterSetup(String plugin, String pluginPath, String config, long seed, String baseDirectory,
                           int shards, String key) {

    /** Checks the fields. */
    public ClusterSetup {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(pluginPath, "pluginPath");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        Objects.requireNonNull(key, "key");
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, found " + shards);
        }
    }

    /**
     * The map that crosses the layer boundary (a mutable {@link HashMap}, so that a launcher may add its own keys).
     *
     * @return keys {@code plugin}, {@code plugin-path}, {@code config}, {@code seed}, {@code base-directory},
     *     {@code shards}, {@code key}
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new HashMap<>();
        m.put("plugin", plugin);
        m.put("plugin-path", pluginPath);
        m.put("config", config);
        m.put("seed", seed);
        m.put("base-directory", baseDirectory);
        m.put("shards", shards);
        m.put("key", key);
        return m;
    }

    /**
     * Reads the map of {@link #toMap()}, ignoring keys a launcher added.
     *
     * @param m the map
     * @return the setup
     * @throws IllegalArgumentException when a key is missing or of another type
     */
    public static ClusterSetup of(Map<String, ?> m) {
        return new ClusterSetup(Maps.get(m, "plugin", String.class), Maps.get(m, "plugin-path", String.class),
                Maps.get(m, "config", String.class), Maps.get(m, "seed", Number.class).longValue(),
                Maps.get(m, "base-directory", String.class), Maps.get(m, "shards", Number.class).intValue(),
                Maps.get(m, "key", String.class));
    }
}

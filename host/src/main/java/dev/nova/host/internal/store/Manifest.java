package dev.nova.host.internal.store;

import dev.nova.host.internal.support.UsageException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the host records in a checkpoint beside the plugin's payload: the plugin and step, the best held-out loss so
 * far, where the run's relative paths resolve, the provenance ({@code Provenance}) and the size and SHA-256 of every
 * other entry. Stored as {@code manifest.properties}; the typed fields are checked when it is read.
 *
 * @param plugin the plugin that wrote the payload (empty in a damaged file: the host then says which is missing)
 * @param step the model's step count when saved
 * @param bestLoss the best held-out loss of the run up to this checkpoint, or NaN
 * @param properties every key as written, in key order (the typed fields included)
 */
public record Manifest(Optional<String> plugin, long step, double bestLoss, SortedMap<String, String> properties) {

    /** Copies the properties. */
    public Manifest {
        properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties));
    }

    /**
     * The manifest of a checkpoint the host is about to write.
     *
     * @param provenance where the run came from
     * @param plugin the plugin id
     * @param pluginVersion its version
     * @param step the model's step
     * @param seed the run's seed
     * @param bestLoss the best held-out loss so far
     * @param referenceLoss the loss of the run's untrained model (its first step), or NaN
     * @param base the absolute base directory of the run's relative paths
     * @param runRoot the run's folder (the base is also recorded relative to it)
     * @param created when
     * @return the manifest
     */
    public static Manifest of(Properties provenance, String plugin, String pluginVersion, long step, long seed,
                              double bestLoss, double referenceLoss, Path base, Path runRoot,
                              java.time.Instant created) {
        SortedMap<String, String> m = new TreeMap<>();
        provenance.forEach((k, v) -> m.put(k.toString(), v.toString()));
        m.put("plugin", plugin);
        m.put("plugin-version", pluginVersion);
        m.put("step", Long.toString(step));
        m.put("seed", Long.toString(seed));
        m.put("best-loss", Double.toString(bestLoss));
        if (Double.isFinite(referenceLoss)) {
            m.put("reference-loss", Double.toString(referenceLoss));
        }
        m.put("base-directory", base.toAbsolutePath().toString());
        try {
            // A run folder moved together with its data (a project copied elsewhere) still finds it.
            m.put("base-directory-from-run", runRoot.toAbsolutePath().relativize(base.toAbsolutePath()).toString()
                    .replace('\\', '/'));
        } catch (IllegalArgumentException differentRoots) {
            // another drive (Windows): only the absolute base is recorded
        }
        m.put("created", created.toString());
        return new Manifest(Optional.of(plugin), step, bestLoss, m);
    }

    /**
     * Reads the typed fields of a manifest read from a file.
     *
     * @param file the checkpoint, for messages
     * @param p the properties read
     * @return the manifest
     * @throws UsageException naming the file and key when a number is not one
     */
    static Manifest parse(Path file, Properties p) {
        SortedMap<String, String> m = new TreeMap<>();
        p.forEach((k, v) -> m.put(k.toString(), v.toString()));
        long step = longValue(file, m, "step", 0);
        String best = m.getOrDefault("best-loss", "NaN");
        double bestLoss;
        try {
            bestLoss = Double.parseDouble(best);
        } catch (NumberFormatException e) {
            throw new UsageException("checkpoint " + file + ": manifest value best-loss must be a number, found '" + best
                    + "'");
        }
        return new Manifest(Optional.ofNullable(m.get("plugin")), step, bestLoss, m);
    }

    static long longValue(Path file, Map<String, String> m, String key, long absent) {
        String v = m.get(key);
        if (v == null) {
            return absent;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("checkpoint " + file + ": manifest value " + key + " must be a whole number, found '"
                    + v + "'");
        }
    }

    /**
     * The loss of the run's untrained model (its first step), recorded since Nova 0.4 for divergence checks.
     *
     * @return the loss, or NaN when the checkpoint does not record a number
     */
    public double referenceLoss() {
        try {
            return Double.parseDouble(properties.getOrDefault("reference-loss", "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * One value as written.
     *
     * @param key the key
     * @return its value, if present
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /** The properties to store. */
    Properties toProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        return p;
    }
}

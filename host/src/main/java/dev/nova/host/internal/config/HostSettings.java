package dev.nova.host.internal.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Map;

/**
 * The host's own settings of a run ({@code nova.*}), read once from a configuration that has been validated (their
 * ranges are checked by the validator, with origins, together with every other problem).
 *
 * @param seed the run's seed
 * @param runsDir where new run folders are created
 * @param steps the total number of steps
 * @param evalEvery steps between evaluations (and checkpoints, samples, chart)
 * @param logEvery steps between progress lines and records
 * @param samples samples drawn at each evaluation
 * @param sampleOptions the generation options of those samples
 * @param divergenceFactor a loss above this many times the untrained model's means the run diverged (0: off)
 * @param quality whether each evaluation also measures sample quality ({@code nova.train.quality})
 * @param qualitySamples samples measured ({@code nova.quality.samples})
 * @param qualityLength characters per text sample measured ({@code nova.quality.length})
 * @param gates the quality gates as written ({@code nova.gates})
 */
public record HostSettings(long seed, Path runsDir, long steps, long evalEvery, long logEvery, int samples,
                           Map<String, Object> sampleOptions, double divergenceFactor, boolean quality,
                           int qualitySamples, int qualityLength, java.util.List<String> gates) {

    /** The default of {@code nova.train.divergence-factor}, also for configurations saved before it existed. */
    public static final double DIVERGENCE_FACTOR = 10;

    /** Copies the options, in their order (a checkpoint's configuration is read without validation: nulls stay). */
    public HostSettings {
        sampleOptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sampleOptions));
        gates = java.util.List.copyOf(gates);
    }

    /**
     * Reads the settings.
     *
     * @param c a validated configuration with {@code nova.*}
     * @return the settings
     */
    public static HostSettings of(Config c) {
        return new HostSettings(c.getLong("nova.seed"), Path.of(c.getString("nova.runs-dir")),
                c.getLong("nova.train.steps"), c.getLong("nova.train.eval-every"), c.getLong("nova.train.log-every"),
                c.getInt("nova.train.samples"), c.getObject("nova.train.sample-options").unwrapped(),
                c.hasPath("nova.train.divergence-factor") ? c.getDouble("nova.train.divergence-factor")
                        : DIVERGENCE_FACTOR,
                c.hasPath("nova.train.quality") && c.getBoolean("nova.train.quality"),
                c.hasPath("nova.quality.samples") ? c.getInt("nova.quality.samples") : 100,
                c.hasPath("nova.quality.length") ? c.getInt("nova.quality.length") : 200,
                c.hasPath("nova.gates") ? c.getStringList("nova.gates") : java.util.List.of());
    }
}

package dev.nova.host.internal.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import dev.nova.api.StepEvent;
import dev.nova.host.internal.support.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One record of a run's {@code metrics.jsonl}: a training progress record or an evaluation. The loop hands these
 * objects to the file and to the loss chart alike; records already in the file (a resumed run) are read back with a
 * JSON parser.
 */
sealed interface ProgressRecord {

    /** The step the record is about. */
    long step();

    /** The record as one JSON line. */
    String toJson();

    /**
     * Training progress over the steps since the last record.
     *
     * @param step the last step
     * @param loss the mean training loss over the window
     * @param itemsPerSecond throughput over the window
     * @param modelFlopsPerSecond model FLOPs per second over the window (the plugin's {@link StepEvent#MODEL_FLOPS}),
     *     NaN when the plugin does not declare them
     * @param elapsedSeconds since this process started training
     * @param extras the plugin's own step metrics
     */
    record Training(long step, double loss, double itemsPerSecond, double modelFlopsPerSecond, double elapsedSeconds,
                    Map<String, Double> extras) implements ProgressRecord {
        @Override
        public String toJson() {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", step);
            rec.put("loss", loss);
            rec.put("items_per_s", itemsPerSecond);
            if (!Double.isNaN(modelFlopsPerSecond)) {
                rec.put("model_flops_per_s", modelFlopsPerSecond);
            }
            rec.put("elapsed_s", elapsedSeconds);
            if (!extras.isEmpty()) {
                rec.put("extras", extras);
            }
            return withNonFinite(rec);
        }
    }

    /**
     * A held-out evaluation.
     *
     * @param step the step evaluated
     * @param metrics the plugin's metrics ({@code loss} first, by the SPI)
     */
    record Evaluation(long step, Map<String, Double> metrics) implements ProgressRecord {
        @Override
        public String toJson() {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", step);
            rec.put("eval", metrics);
            return withNonFinite(rec);
        }

        /** The held-out loss, or NaN when the plugin reported none. */
        double loss() {
            Double v = metrics.get("loss");
            return v == null ? Double.NaN : v;
        }
    }

    /**
     * The host's decision that the run diverged at a step (the run stops; no checkpoint of this model is written).
     *
     * @param step the step
     * @param reason what was not finite or too high
     */
    record Diverged(long step, String reason) implements ProgressRecord {
        @Override
        public String toJson() {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", step);
            rec.put("diverged", reason);
            return Json.object(rec);
        }
    }

    /**
     * The record as JSON. JSON has no NaN or infinity: such a value is written as {@code null}, and the record lists
     * it by name under {@code non_finite} with its value ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}),
     * so a reader never mistakes it for a figure the plugin did not report.
     */
    private static String withNonFinite(Map<String, Object> rec) {
        Map<String, Object> bad = new LinkedHashMap<>();
        collect("", rec, bad);
        if (!bad.isEmpty()) {
            rec.put("non_finite", bad);
        }
        return Json.object(rec);
    }

    private static void collect(String prefix, Map<?, ?> m, Map<String, Object> bad) {
        m.forEach((k, v) -> {
            if (v instanceof Double d && !Double.isFinite(d)) {
                bad.put(prefix + k, d.toString());
            } else if (v instanceof Map<?, ?> inner) {
                collect(prefix + k + ".", inner, bad);
            }
        });
    }

    /**
     * Reads a line of {@code metrics.jsonl} back.
     *
     * @param line the line
     * @return the record, or empty for a line that is not one (a line cut short by a crash, say)
     */
    static Optional<ProgressRecord> parse(String line) {
        Config c;
        try {
            c = ConfigFactory.parseString(line, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        } catch (ConfigException e) {
            return Optional.empty();
        }
        try {
            if (!c.hasPath("step")) {
                return Optional.empty();
            }
            long step = c.getLong("step");
            if (c.hasPath("eval")) {
                return Optional.of(new Evaluation(step, numbers(c.getConfig("eval"))));
            }
            if (c.hasPath("loss")) {
                return Optional.of(new Training(step, c.getDouble("loss"),
                        c.hasPath("items_per_s") ? c.getDouble("items_per_s") : Double.NaN,
                        c.hasPath("model_flops_per_s") ? c.getDouble("model_flops_per_s") : Double.NaN,
                        c.hasPath("elapsed_s") ? c.getDouble("elapsed_s") : Double.NaN,
                        c.hasPath("extras") ? numbers(c.getConfig("extras")) : Map.of()));
            }
        } catch (ConfigException wrongType) {
            // not a record of ours
        }
        return Optional.empty();
    }

    private static Map<String, Double> numbers(Config c) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
            if (e.getValue().unwrapped() instanceof Number n) {
                out.put(e.getKey(), n.doubleValue());
            }
        }
        return out;
    }
}

package dev.nova.host.internal.store;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.nova.api.StepEvent;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One record of a run's {@code metrics.jsonl}: training progress, an evaluation, or the host's decision that the run
 * diverged. The run loop writes these, and the loss chart, the report and any other reader read them back through
 * {@link MetricsLog}: one format, one writer, one reader, in JSON through jackson-jr.
 */
public sealed interface ProgressRecord {

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
        public double loss() {
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
            return json(rec);
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
        return json(rec);
    }

    /** A record as one line of JSON: numbers that are not finite (JSON has none) as {@code null}. */
    private static String json(Map<String, Object> rec) {
        try {
            return MetricsLog.JSON_WRITER.asString(finite(rec));
        } catch (IOException e) {
            throw new IllegalStateException("a progress record cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> finite(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put((String) k, v instanceof Double d && !Double.isFinite(d) ? null
                : v instanceof Map<?, ?> inner ? finite(inner) : v));
        return out;
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
     * @return the record; empty for a line that is JSON but not a record of Nova's (no step, or an unknown kind)
     * @throws IllegalArgumentException when the line is not one JSON object
     */
    static Optional<ProgressRecord> parse(String line) {
        Map<String, Object> m;
        try {
            m = MetricsLog.JSON_WRITER.mapFrom(line);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object", e);
        }
        if (m == null || !(m.get("step") instanceof Number step)) {
            return Optional.empty();
        }
        if (m.get("eval") instanceof Map<?, ?> eval) {
            return Optional.of(new Evaluation(step.longValue(), numbers(eval)));
        }
        if (m.get("diverged") instanceof String reason) {
            return Optional.of(new Diverged(step.longValue(), reason));
        }
        if (m.containsKey("loss")) {
            return Optional.of(new Training(step.longValue(), number(m.get("loss")), number(m.get("items_per_s")),
                    number(m.get("model_flops_per_s")), number(m.get("elapsed_s")),
                    m.get("extras") instanceof Map<?, ?> extras ? numbers(extras) : Map.of()));
        }
        return Optional.empty();
    }

    /** A number of a record; NaN for one that is absent or {@code null} (written so because it was not finite). */
    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The numbers of a map, in order; entries that are not numbers (non-finite values, written as null) left out. */
    private static Map<String, Double> numbers(Map<?, ?> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v instanceof Number n) {
                out.put(String.valueOf(k), n.doubleValue());
            }
        });
        return out;
    }
}

package dev.nova.host.internal.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Quality gates ({@code nova.gates = [ "held-out-loss < 1.30", "copy-rate-8 < 0.5" ]}): each a metric, a comparison
 * and a threshold, which {@code nova evaluate RUN --gates} checks, exiting with {@link #EXIT_FAILED} when one fails.
 *
 * @param gates the gates, in the order given
 */
public record Gates(List<Gate> gates) {

    /** The exit code of {@code nova evaluate --gates} when a gate fails (1 is a runtime failure, 2 a usage error). */
    public static final int EXIT_FAILED = 4;

    /** The held-out loss, as gates name it (the plugin's evaluation reports it as {@code loss}). */
    public static final String HELD_OUT_LOSS = "held-out-loss";

    private static final Pattern SYNTAX = Pattern.compile("\\s*([a-z][a-z0-9.-]*)\\s*(<=|>=|<|>)\\s*(\\S+)\\s*");

    /** Copies the list. */
    public Gates {
        gates = List.copyOf(gates);
    }

    /**
     * One gate.
     *
     * @param metric the metric's name
     * @param comparison {@code <}, {@code <=}, {@code >} or {@code >=}
     * @param threshold the threshold
     * @param text the gate as written
     */
    public record Gate(String metric, String comparison, double threshold, String text) {

        /**
         * Whether a value passes.
         *
         * @param value the metric's value
         * @return {@code false} for NaN
         */
        public boolean passes(double value) {
            return switch (comparison) {
                case "<" -> value < threshold;
                case "<=" -> value <= threshold;
                case ">" -> value > threshold;
                default -> value >= threshold;
            };
        }

        /** The condition, for example {@code < 1.3}. */
        public String condition() {
            return comparison + " " + text.replaceFirst(".*(<=|>=|<|>)\\s*", "");
        }
    }

    /**
     * Parses one gate.
     *
     * @param text for example {@code held-out-loss < 1.30}
     * @return the gate
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static Gate parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a gate; expected METRIC OP NUMBER with OP one of"
                    + " <, <=, >, >= (for example \"held-out-loss < 1.30\")");
        }
        double threshold;
        try {
            threshold = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the threshold '" + m.group(3) + "' is not a number");
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("'" + text + "': the threshold must be finite");
        }
        return new Gate(m.group(1).toLowerCase(Locale.ROOT), m.group(2), threshold, text.strip());
    }

    /**
     * The gates' verdicts on some metrics: the one place a gate is checked ({@code nova evaluate --gates}, the report).
     *
     * @param metrics a run's metrics: the plugin's evaluation (its {@code loss} is also {@value #HELD_OUT_LOSS}) and
     *     the quality metrics
     * @return one verdict per gate, in order; a gate whose metric is not among them is not measured
     */
    public List<Verdict> verdicts(Map<String, Double> metrics) {
        List<Verdict> out = new ArrayList<>();
        for (Gate g : gates) {
            Double v = metrics.get(g.metric());
            if (v == null && g.metric().equals(HELD_OUT_LOSS)) {
                v = metrics.get("loss");
            }
            out.add(new Verdict(g, v == null ? OptionalDouble.empty() : OptionalDouble.of(v), v != null && g.passes(v)));
        }
        return out;
    }

    /**
     * The gates' verdicts, every gate measured.
     *
     * @param metrics as for {@link #verdicts}
     * @return one verdict per gate
     * @throws IllegalArgumentException naming the first gate whose metric is not among them, and those that are
     */
    public List<Verdict> check(Map<String, Double> metrics) {
        List<Verdict> out = verdicts(metrics);
        for (Verdict v : out) {
            if (v.value().isEmpty()) {
                throw new IllegalArgumentException("nova.gates: '" + v.gate().text() + "' names metric '"
                        + v.gate().metric() + "', which this run does not report; its metrics are "
                        + String.join(", ", metrics.keySet()));
            }
        }
        return out;
    }

    /**
     * A gate's verdict.
     *
     * @param gate the gate
     * @param value the metric's value, or empty when the metrics do not have it
     * @param passed whether it was measured and holds
     */
    public record Verdict(Gate gate, OptionalDouble value, boolean passed) {
    }

    /**
     * Whether a gate needs the sample-quality metrics (anything but the plugin's own evaluation).
     *
     * @param evaluation the names the plugin's evaluation reports
     * @return whether any gate names another metric
     */
    public boolean needQuality(java.util.Set<String> evaluation) {
        return gates.stream().anyMatch(g -> !evaluation.contains(g.metric()) && !g.metric().equals(HELD_OUT_LOSS));
    }
}

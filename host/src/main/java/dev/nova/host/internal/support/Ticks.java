package dev.nova.host.internal.support;

import java.util.Locale;

/** The ticks of a chart's axis: round values (1, 2, 2.5 or 5 times a power of ten) and their labels. */
public final class Ticks {

    private Ticks() {
    }

    /**
     * Round tick values that cover a range: about {@code target} steps of 1, 2, 2.5 or 5 times a power of ten, from a
     * multiple of the step at or below {@code lo} to one at or above {@code hi}.
     */
    public static double[] of(double lo, double hi, int target) {
        double raw = (hi - lo) / target;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / magnitude;
        double step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * magnitude;
        long first = (long) Math.floor(lo / step + 1e-9);
        long last = (long) Math.ceil(hi / step - 1e-9);
        double[] t = new double[(int) (last - first + 1)];
        for (int i = 0; i < t.length; i++) {
            t[i] = (first + i) * step;
        }
        return t;
    }

    /** A tick's label, with as many decimals as its step needs, and k or M for large whole numbers. */
    public static String label(double v, double step) {
        if (Math.abs(v) < step * 1e-9) {
            return "0";
        }
        if (Math.abs(v) >= 10_000 && step >= 1000) {
            boolean millions = Math.abs(v) >= 1_000_000 && step >= 100_000;
            double scaled = millions ? v / 1e6 : v / 1e3;
            double scaledStep = millions ? step / 1e6 : step / 1e3;
            return label(scaled, scaledStep) + (millions ? "M" : "k");
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        if (Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals))) > 1e-6) {
            decimals++;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}

package dev.nova.host.internal.support;

import java.util.Locale;

/**
 * Figures as the terminal and the report print them: a whole number (a count of characters, images, the longest
 * copied run) as the number it is, never {@code 19200.0000}; a fraction to a fixed number of decimals; what could not
 * be measured (NaN) as {@code n/a}.
 */
public final class Figures {

    private Figures() {
    }

    /**
     * Formats a figure.
     *
     * @param v the figure
     * @param decimals the decimals of a figure that is not a whole number
     * @return its text
     */
    public static String format(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}

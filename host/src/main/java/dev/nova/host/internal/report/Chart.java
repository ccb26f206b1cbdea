package dev.nova.host.internal.report;

import dev.nova.host.internal.support.Figures;
import dev.nova.host.internal.support.Ticks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart as inline SVG, one of a grid: axes with ticks at round values and grid lines, zero on the y axis
 * whenever the figures all have one sign (a KL of 11.00 to 11.06 is drawn as the flat line it is, not as a cliff), a
 * polyline and one circle per point for each series, each point's value on hover (its {@code <title>}, no script), and
 * a legend with each series' last value. A reference series (the real-data floor of a metric) is dashed. Every point
 * carries {@code class="pt"} and its series' index, so that a test (or a reader's script) can count them.
 *
 * <p>What is not worth a chart is a {@linkplain #tile tile}: a series with one point or one value throughout.
 */
final class Chart {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final int WIDTH = 400;
    private static final int HEIGHT = 230;
    private static final int LEFT = 58;
    private static final int RIGHT = WIDTH - 14;
    private static final int TOP = 28;
    private static final int BOTTOM = HEIGHT - 40;

    /**
     * A series.
     *
     * @param name its legend
     * @param xs the x of each point
     * @param ys the y of each point (NaN and infinities are left out)
     * @param reference whether it is a reference to compare with (drawn dashed), not a figure of the run
     */
    record Series(String name, double[] xs, double[] ys, boolean reference) {

        Series(String name, double[] xs, double[] ys) {
            this(name, xs, ys, false);
        }

        /** Its finite values. */
        double[] finite() {
            return java.util.Arrays.stream(ys).filter(Double::isFinite).toArray();
        }

        /** The last finite point, as {x, y}, or null. */
        double[] last() {
            for (int i = ys.length - 1; i >= 0; i--) {
                if (Double.isFinite(ys[i])) {
                    return new double[] {xs[i], ys[i]};
                }
            }
            return null;
        }
    }

    private Chart() {
    }

    /**
     * Whether series are worth no chart: none has two finite points with different values.
     *
     * @param series the series of one chart
     * @return true when every series is empty, a single point or constant
     */
    static boolean flat(List<Series> series) {
        for (Series s : series) {
            double[] v = s.finite();
            for (double y : v) {
                if (y != v[0]) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A figure instead of a chart: the value of a series that has one point or one value throughout.
     *
     * @param title the metric
     * @param unit what it counts, or empty
     * @param series its series (the first is the figure, a second its reference)
     * @return a {@code div.tile}
     */
    static String tile(String title, String unit, List<Series> series) {
        StringBuilder b = new StringBuilder("<div class=\"tile\"><div class=\"tt\">").append(Html.escape(title))
                .append("</div>");
        Series main = series.get(0);
        double[] last = main.last();
        b.append("<div class=\"tv\">").append(last == null ? "no data" : Html.escape(num(last[1])));
        if (!unit.isEmpty() && !unit.equals(title) && last != null) {
            b.append(" <span class=\"tu\">").append(Html.escape(unit)).append("</span>");
        }
        b.append("</div><div class=\"td\">");
        int n = main.finite().length;
        if (last != null) {
            b.append(Html.escape(n == 1 ? "at step " + Figures.format(last[0], 0)
                    : String.format(Locale.ROOT, "the same at all %d points, steps %s to %s", n,
                            Figures.format(main.xs()[0], 0), Figures.format(last[0], 0))));
        }
        for (Series s : series.subList(1, series.size())) {
            double[] l = s.last();
            if (l != null) {
                b.append("<br>").append(Html.escape(s.name() + " " + num(l[1])));
            }
        }
        return b.append("</div></div>").toString();
    }

    /**
     * Draws series on shared axes.
     *
     * @param title the chart's title
     * @param xLabel the x axis
     * @param yLabel the y axis, with its unit
     * @param series what to draw
     * @return the SVG element and its legend, in a {@code figure.chart}
     */
    static String svg(String title, String xLabel, String yLabel, List<Series> series) {
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                if (Double.isFinite(s.ys()[i])) {
                    x0 = Math.min(x0, s.xs()[i]);
                    x1 = Math.max(x1, s.xs()[i]);
                    y0 = Math.min(y0, s.ys()[i]);
                    y1 = Math.max(y1, s.ys()[i]);
                }
            }
        }
        StringBuilder b = new StringBuilder("<figure class=\"chart\">");
        b.append("<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(HEIGHT).append("\"><title>").append(Html.escape(title)).append("</title>");
        b.append("<text x=\"").append(WIDTH / 2).append("\" y=\"16\" text-anchor=\"middle\" class=\"ct\">")
                .append(Html.escape(title)).append("</text>");
        if (x0 > x1) {
            return b.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\">no data</text></svg></figure>").toString();
        }
        // Zero belongs on the axis of figures that all have one sign: the reader sees how large a change is.
        if (y0 > 0) {
            y0 = 0;
        } else if (y1 < 0) {
            y1 = 0;
        }
        if (y0 == y1) {
            y1 = y0 + 1;
        }
        if (x0 == x1) {
            x1 = x0 + 1;
        }
        double[] yTicks = Ticks.of(y0, y1, 5);
        double[] xTicks = Ticks.of(x0, x1, 5);
        y0 = yTicks[0];
        y1 = yTicks[yTicks.length - 1];
        double xa = x0;
        double xb = x1;
        double ya = y0;
        double yb = y1;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - xa) / (xb - xa) * (RIGHT - LEFT);
        java.util.function.DoubleUnaryOperator py = y -> BOTTOM - (y - ya) / (yb - ya) * (BOTTOM - TOP);
        double yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
        for (double t : yTicks) {
            double y = py.applyAsDouble(t);
            b.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
                    t == 0 ? "zero" : "grid", LEFT, y, RIGHT, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"al\">%s</text>",
                    LEFT - 4, y + 4, Html.escape(Ticks.label(t, yStep))));
        }
        double xStep = xTicks.length > 1 ? xTicks[1] - xTicks[0] : 1;
        for (double t : xTicks) {
            if (t < x0 - 1e-9 * Math.abs(xStep) || t > x1 + 1e-9 * Math.abs(xStep)) {
                continue;
            }
            double x = px.applyAsDouble(t);
            b.append(String.format(Locale.ROOT, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
                    x, BOTTOM, x, BOTTOM + 4));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"al\">%s</text>",
                    x, BOTTOM + 16, Html.escape(Ticks.label(t, xStep))));
        }
        b.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"")
                .append(LEFT).append("\" y2=\"").append(BOTTOM).append("\"/>");
        b.append("<text x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(HEIGHT - 6)
                .append("\" text-anchor=\"middle\" class=\"al\">").append(Html.escape(xLabel)).append("</text>");
        b.append("<text x=\"12\" y=\"").append((TOP + BOTTOM) / 2).append("\" transform=\"rotate(-90 12 ")
                .append((TOP + BOTTOM) / 2).append(")\" text-anchor=\"middle\" class=\"al\">").append(Html.escape(yLabel))
                .append("</text>");
        List<String> legend = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            Series whole = series.get(k);
            Series s = thin(whole, x0, x1);
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            double r = s.xs().length > 80 ? 1.5 : 2.5;
            for (int i = 0; i < s.xs().length; i++) {
                if (!Double.isFinite(s.ys()[i])) {
                    continue;
                }
                double x = px.applyAsDouble(s.xs()[i]);
                double y = py.applyAsDouble(s.ys()[i]);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                dots.append(String.format(Locale.ROOT, "<circle class=\"pt\" data-series=\"%d\" cx=\"%.1f\" cy=\"%.1f\""
                        + " r=\"%.1f\" fill=\"%s\"><title>%s: %s at step %s</title></circle>", k, x, y, r, colour,
                        Html.escape(whole.name()), num(s.ys()[i]), Figures.format(s.xs()[i], 0)));
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\"")
                    .append(whole.reference() ? " stroke-dasharray=\"5 3\"" : "").append(" points=\"")
                    .append(points.toString().strip()).append("\"/>").append(dots);
            double[] last = whole.last();
            if (last == null) {
                continue;
            }
            legend.add("<span class=\"key\" style=\"color:" + colour + "\">" + (whole.reference() ? "- - " : "&#9473; ")
                    + "</span>" + Html.escape(s.name()) + " <span class=\"lv\">" + Html.escape(num(last[1])) + "</span>");
        }
        return b.append("</svg><figcaption>").append(String.join(" &nbsp; ", legend))
                .append("</figcaption></figure>").toString();
    }

    /** The most points a series is drawn with; a longer one is thinned ({@link #thin}). */
    static final int MAX_POINTS = 1000;

    /**
     * A series of more than {@link #MAX_POINTS} finite points as at most that many: the x range is cut into
     * {@code MAX_POINTS / 2} columns (narrower than a pixel of the plot), and each column keeps its lowest and its
     * highest point, in x order, so that spikes stay visible. A run of a million progress records made a 263 MiB
     * report; a chart has 330 pixels across.
     */
    static Series thin(Series s, double x0, double x1) {
        int finite = 0;
        for (double y : s.ys()) {
            if (Double.isFinite(y)) {
                finite++;
            }
        }
        if (finite <= MAX_POINTS) {
            return s;
        }
        int columns = MAX_POINTS / 2;
        int[] low = new int[columns];
        int[] high = new int[columns];
        java.util.Arrays.fill(low, -1);
        java.util.Arrays.fill(high, -1);
        for (int i = 0; i < s.xs().length; i++) {
            double y = s.ys()[i];
            if (!Double.isFinite(y)) {
                continue;
            }
            int c = (int) Math.min(columns - 1, Math.max(0, (s.xs()[i] - x0) / (x1 - x0) * columns));
            if (low[c] < 0 || y < s.ys()[low[c]]) {
                low[c] = i;
            }
            if (high[c] < 0 || y > s.ys()[high[c]]) {
                high[c] = i;
            }
        }
        double[] xs = new double[MAX_POINTS];
        double[] ys = new double[MAX_POINTS];
        int n = 0;
        for (int c = 0; c < columns; c++) {
            if (low[c] < 0) {
                continue;
            }
            int a = Math.min(low[c], high[c]);
            int b = Math.max(low[c], high[c]);
            xs[n] = s.xs()[a];
            ys[n++] = s.ys()[a];
            if (b != a) {
                xs[n] = s.xs()[b];
                ys[n++] = s.ys()[b];
            }
        }
        return new Series(s.name() + String.format(Locale.ROOT, " (%,d points, %,d drawn)", finite, n),
                java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n), s.reference());
    }

    /** A figure in a table or a tile: whole numbers as such, others with four decimals (or four significant digits). */
    static String num(double v) {
        if (!Double.isFinite(v) || v == Math.rint(v)) {
            return Figures.format(v, 4);
        }
        if (Math.abs(v) >= 1e9) {
            return String.format(Locale.ROOT, "%.4g", v);
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) < 0.01) {
            // four significant digits, without the zeros they would end in: 0.003, 2.5e-05
            String g = String.format(Locale.ROOT, Math.abs(v) < 1e-4 ? "%.3e" : "%.4g", v);
            return g.contains("e") ? g.replaceFirst("\\.?0+e", "e") : g.replaceFirst("\\.?0+$", "");
        }
        return Figures.format(v, 4);
    }
}

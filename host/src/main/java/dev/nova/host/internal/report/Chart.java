package dev.nova.host.internal.report;

import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: one polyline and one circle per point for each series, axes with their ranges, and a
 * legend. Every point carries {@code class="pt"} and its series' index, so that a test (or a reader's script) can
 * count them.
 */
final class Chart {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 240;
    private static final int PAD = 72;

    /**
     * A series.
     *
     * @param name its legend
     * @param xs the x of each point
     * @param ys the y of each point (NaN and infinities are left out)
     */
    record Series(String name, double[] xs, double[] ys) {
    }

    private Chart() {
    }

    /**
     * Draws series on shared axes.
     *
     * @param title the chart's title
     * @param xLabel the x axis
     * @param yLabel the y axis
     * @param series what to draw
     * @return the SVG element
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
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\"><title>").append(Html.escape(title)).append("</title>");
        b.append("<text x=\"").append(WIDTH / 2).append("\" y=\"16\" text-anchor=\"middle\" class=\"ct\">")
                .append(Html.escape(title)).append("</text>");
        if (x0 > x1) {
            return b.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\">no data</text></svg>").toString();
        }
        if (x0 == x1) {
            x1 = x0 + 1;
        }
        if (y0 == y1) {
            y1 = y0 + Math.max(1e-9, Math.abs(y0) * 0.01);
        }
        int left = PAD;
        int right = WIDTH - 16;
        int top = 28;
        int bottom = HEIGHT - 36;
        b.append("<line x1=\"").append(left).append("\" y1=\"").append(bottom).append("\" x2=\"").append(right)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#888\"/>");
        b.append("<line x1=\"").append(left).append("\" y1=\"").append(top).append("\" x2=\"").append(left)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#888\"/>");
        b.append(label(left, bottom + 14, "start", num(x0))).append(label(right, bottom + 14, "end", num(x1)));
        b.append(label(left - 4, bottom, "end", num(y0))).append(label(left - 4, top + 8, "end", num(y1)));
        b.append(label((left + right) / 2, HEIGHT - 6, "middle", xLabel));
        b.append("<text x=\"12\" y=\"").append((top + bottom) / 2).append("\" transform=\"rotate(-90 12 ")
                .append((top + bottom) / 2).append(")\" text-anchor=\"middle\" class=\"al\">").append(Html.escape(yLabel))
                .append("</text>");
        for (int k = 0; k < series.size(); k++) {
            Series s = thin(series.get(k), x0, x1);
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                if (!Double.isFinite(s.ys()[i])) {
                    continue;
                }
                double px = left + (s.xs()[i] - x0) / (x1 - x0) * (right - left);
                double py = bottom - (s.ys()[i] - y0) / (y1 - y0) * (bottom - top);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                dots.append(String.format(Locale.ROOT, "<circle class=\"pt\" data-series=\"%d\" cx=\"%.1f\" cy=\"%.1f\""
                        + " r=\"2\" fill=\"%s\"><title>%s: %s at %s</title></circle>", k, px, py, colour,
                        Html.escape(s.name()), num(s.ys()[i]), num(s.xs()[i])));
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"")
                    .append(points.toString().strip()).append("\"/>").append(dots);
            b.append("<text x=\"").append(right - 4).append("\" y=\"").append(top + 12 + 14 * k)
                    .append("\" text-anchor=\"end\" fill=\"").append(colour).append("\">").append(Html.escape(s.name()))
                    .append("</text>");
        }
        return b.append("</svg>").toString();
    }

    /** The most points a series is drawn with; a longer one is thinned ({@link #thin}). */
    static final int MAX_POINTS = 1000;

    /**
     * A series of more than {@link #MAX_POINTS} finite points as at most that many: the x range is cut into
     * {@code MAX_POINTS / 2} columns (narrower than a pixel of the plot), and each column keeps its lowest and its
     * highest point, in x order, so that spikes stay visible. A run of a million progress records made a 263 MiB
     * report; a chart has 550 pixels across.
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
                java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n));
    }

    private static String label(int x, int y, String anchor, String text) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\" class=\"al\">" + Html.escape(text)
                + "</text>";
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? "%.4g" : "%.4f", v);
    }
}

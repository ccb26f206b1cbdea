package dev.nova.host.internal.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws {@code loss.png}: training loss and held-out loss against steps, from the run's metrics. */
final class LossPlot {

    private static final Pattern TRAIN = Pattern.compile("^\\{\"step\":(\\d+),\"loss\":([-0-9.Ee]+)");
    private static final Pattern EVAL = Pattern.compile("^\\{\"step\":(\\d+),\"eval\":\\{\"loss\":([-0-9.Ee]+)");

    private final List<double[]> train = new ArrayList<>();
    private final List<double[]> heldOut = new ArrayList<>();

    /** Reads the records already in a run's metrics (after a resume). */
    static LossPlot from(Path metrics) {
        LossPlot plot = new LossPlot();
        if (Files.isRegularFile(metrics)) {
            try {
                for (String line : Files.readAllLines(metrics)) {
                    plot.accept(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + metrics + ": " + e.getMessage(), e);
            }
        }
        return plot;
    }

    /** Takes one metrics.jsonl record. */
    void accept(String line) {
        Matcher t = TRAIN.matcher(line);
        if (t.find()) {
            train.add(new double[] {Double.parseDouble(t.group(1)), Double.parseDouble(t.group(2))});
            return;
        }
        Matcher e = EVAL.matcher(line);
        if (e.find()) {
            heldOut.add(new double[] {Double.parseDouble(e.group(1)), Double.parseDouble(e.group(2))});
        }
    }

    /** Writes the chart atomically. */
    void write(Path png, String title) {
        XYSeries a = new XYSeries("training loss");
        train.forEach(p -> a.add(p[0], p[1]));
        XYSeries b = new XYSeries("held-out loss");
        heldOut.forEach(p -> b.add(p[0], p[1]));
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(a);
        data.addSeries(b);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "step", "loss (nats per item)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(0x1f77b4));
        r.setSeriesPaint(1, new Color(0xd62728));
        r.setSeriesStroke(0, new BasicStroke(1.5f));
        r.setSeriesStroke(1, new BasicStroke(2.5f));
        r.setSeriesShapesVisible(1, true);
        plot.setRenderer(r);
        plot.getRangeAxis().setAutoRange(true);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(bytes, chart, 900, 500);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw " + png + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(bytes.toByteArray(), png);
    }
}

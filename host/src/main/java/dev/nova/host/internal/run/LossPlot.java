package dev.nova.host.internal.run;

import dev.nova.host.internal.media.Png;
import dev.nova.host.internal.store.MetricsLog;
import dev.nova.host.internal.store.ProgressRecord;
import dev.nova.host.internal.support.AtomicFiles;
import dev.nova.host.internal.support.UsageException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws {@code loss.png}: training loss and held-out loss against steps, from the run's progress records. */
final class LossPlot {

    private final List<double[]> train = new ArrayList<>();
    private final List<double[]> heldOut = new ArrayList<>();

    /**
     * Reads the records already in a run's metrics (after a resume); a file it cannot read is said on standard error
     * and left out of the chart, never the end of the run.
     */
    static LossPlot from(Path metrics, PrintStream err) {
        LossPlot plot = new LossPlot();
        if (Files.isRegularFile(metrics)) {
            try {
                MetricsLog.read(metrics).forEach(plot::accept);
            } catch (UsageException | UncheckedIOException e) {
                err.println("nova: warning: loss.png leaves out the records before this resume: " + e.getMessage());
            }
        }
        return plot;
    }

    /** Takes one progress record; losses that are not finite are left out of the chart. */
    void accept(ProgressRecord record) {
        double loss = record instanceof ProgressRecord.Training t ? t.loss()
                : record instanceof ProgressRecord.Evaluation e ? e.loss() : Double.NaN;
        if (!Double.isFinite(loss)) {
            return;
        }
        (record instanceof ProgressRecord.Training ? train : heldOut).add(new double[] {record.step(), loss});
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
        Png.encodeInMemory();
        try {
            ChartUtils.writeChartAsPNG(bytes, chart, 900, 500);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw " + png + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(bytes.toByteArray(), png);
    }
}

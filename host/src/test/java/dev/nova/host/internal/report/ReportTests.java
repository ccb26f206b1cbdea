package dev.nova.host.internal.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.store.MetricsLog;
import dev.nova.host.internal.store.ProgressRecord;
import dev.nova.host.internal.support.Ticks;
import dev.nova.host.internal.support.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from records written by the run loop's writer, gates checked as {@code nova evaluate} checks them. */
class ReportTests {

    @TempDir
    Path dir;

    private Path run(String name) throws Exception {
        Path run = Files.createDirectories(dir.resolve(name));
        try (MetricsLog.Appender log = MetricsLog.append(run.resolve("metrics.jsonl"))) {
            log.write(new ProgressRecord.Training(5, 2.5, 100, Double.NaN, 1, Map.of()));
            log.write(new ProgressRecord.Training(10, Double.NaN, 100, Double.NaN, 2, Map.of()));
            log.write(new ProgressRecord.Evaluation(10, Map.of("loss", 1.25, "distinct-2", 0.5)));
        }
        Files.writeString(run.resolve("config.conf"), "nova { plugin = uni, gates = [ \"held-out-loss < 1.3\","
                + " \"distinct-2 > 0.6\", \"copy-rate-8 < 0.5\" ] }\n");
        return run;
    }

    /** A million progress records draw at most a thousand points a series, spikes kept (issue 42, 6). */
    @Test
    void aLongRunsChartsAreThinnedKeepingItsSpikes() {
        int n = 1_000_000;
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i + 1;
            ys[i] = 3.0 - i * 1e-6;
        }
        ys[654_321] = 50;                                             // one spike
        ys[123] = Double.NaN;
        String svg = Chart.svg("loss", "step", "loss", List.of(new Chart.Series("training", xs, ys)));
        long points = svg.split("class=\"pt\"", -1).length - 1;
        assertTrue(points > 400 && points <= Chart.MAX_POINTS, points + " points");
        assertTrue(svg.length() < 400_000, svg.length() + " characters");
        assertTrue(svg.contains(": 50 at step 654322</title>"), "the spike is drawn");
        assertTrue(svg.contains("training (999,999 points, "), "the legend says it was thinned");
        Chart.Series few = new Chart.Series("few", new double[] {1, 2, 3}, new double[] {1, 2, 3});
        assertTrue(Chart.thin(few, 1, 3) == few, "a short series is drawn whole");
    }

    /**
     * One run's malformed gate is shown in that run's table; the report of every run is still written (issue 42, 5);
     * a sample file that is not UTF-8 is shown with replacement characters, not refused.
     */
    @Test
    void aMalformedGateOrSampleOfOneRunDoesNotStopTheReport() throws Exception {
        Path good = run("good");
        Path bad = run("bad");
        Files.writeString(bad.resolve("config.conf"), "nova { plugin = uni, gates = [ \"held-out-loss <<< 3\","
                + " \"held-out-loss < 1.3\" ] }\n");
        Path samples = Files.createDirectories(bad.resolve("samples"));
        Files.write(samples.resolve("step-00000010.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 'o', 'k'});
        String html = Report.html(List.of(RunRecord.read(good), RunRecord.read(bad)));
        assertTrue(html.contains("<td>held-out-loss &lt;&lt;&lt; 3</td><td>malformed: &#39;held-out-loss &lt;&lt;&lt; 3&#39;"
                + " is not a gate"), html);
        assertTrue(html.contains("\ufffd\ufffdok"), "the sample, its bad bytes replaced");
    }

    @Test
    void textAndAttributesAreEscapedPathsIncluded() throws Exception {
        Path run = run("run <b>\"x\" & 'y'");
        String html = Report.html(List.of(RunRecord.read(run)));
        assertFalse(html.contains("<b>"), "a folder's name is text, never markup");
        assertTrue(html.contains("run &lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;"), html);
        assertTrue(html.contains(Html.escape(run.toAbsolutePath().toString())), "the folder's path, escaped");
        assertTrue(html.contains("id=\"run-run &lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;\""), "attributes escaped too");
        // A terminal escape code from the data is shown as the picture of ESC, never put into the page (issue 43, 5).
        assertEquals("\u241b[31mred\u241b[0m\nnext\tline", Html.escape("\u001b[31mred\u001b[0m\nnext\tline"));
    }

    @Test
    void theReportLoadsNothingEmbedsOnlyTheRunsOwnFilesAndChecksItsFileFirst() throws Exception {
        Path run = run("linked");
        Path samples = Files.createDirectories(run.resolve("samples"));
        Files.writeString(samples.resolve("step-00000010.txt"), "own sample");
        Path outside = Files.writeString(dir.resolve("secret.txt"), "not the run's");
        Files.createSymbolicLink(samples.resolve("step-00000020.txt"), outside);
        String html = Report.html(List.of(RunRecord.read(run)));
        assertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"),
                "no script, no network");
        assertTrue(html.contains("own sample"), html);
        assertFalse(html.contains("not the run's"), "a link to a file outside the run is not embedded");
        Path folder = Files.createDirectories(dir.resolve("report.html"));
        UsageException e = assertThrows(UsageException.class, () -> Report.write(List.of(dir.resolve("no-run")), folder));
        assertTrue(e.getMessage().contains("is a directory"), "--out is checked before the runs are read: "
                + e.getMessage());
        assertTrue(Files.isDirectory(folder), "and the folder is left alone");
    }

    /** A path that is missing, a file, or a folder without records: each said as what it is (issue 43, 8). */
    @Test
    void whatIsNotARunFolderIsSaidAsWhatItIs() throws Exception {
        Path missing = dir.resolve("no-such-run");
        assertEquals("report: " + missing + " does not exist; give run folders (nova train writes them,"
                + " runs/<plugin>-<time> by default)", assertThrows(UsageException.class,
                        () -> RunRecord.read(missing)).getMessage());
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertTrue(assertThrows(UsageException.class, () -> RunRecord.read(file)).getMessage()
                .endsWith(file + " is a file, not a run folder; give the folder that holds its metrics.jsonl"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals("report: " + empty + " is not a run folder (it has no metrics.jsonl)",
                assertThrows(UsageException.class, () -> RunRecord.read(empty)).getMessage());
    }

    @Test
    void gatesAreTheVerdictsOfTheOneCheckAndTheSameRunsGiveTheSameFile() throws Exception {
        Path run = run("gated");
        String first = Report.html(List.of(RunRecord.read(run)));
        assertEquals(first, Report.html(List.of(RunRecord.read(run))), "no clock in the report");
        assertTrue(first.contains("<tr class=\"pass\"><td>held-out-loss</td><td>&lt; 1.3</td><td>1.2500</td><td>yes</td></tr>"),
                first);
        assertTrue(first.contains("<tr class=\"fail\"><td>distinct-2</td><td>&gt; 0.6</td><td>0.5000</td><td>NO</td></tr>"),
                first);
        assertTrue(first.contains("<tr class=\"unmeasured\"><td>copy-rate-8</td><td>&lt; 0.5</td><td>not measured</td>"
                + "<td>?</td></tr>"), first);
        List<Gates.Verdict> verdicts = new Gates(List.of(Gates.parse("held-out-loss < 1.3"))).verdicts(Map.of("loss", 1.25));
        assertTrue(verdicts.get(0).passed(), "the plugin's loss is the held-out loss gates name");
        assertEquals(1, RunRecord.read(run).progress().size(), "a training record whose loss was not finite is no point");
    }

    /**
     * The axes have ticks at round values and zero whenever the figures have one sign: a KL of 11.00 to 11.06 is a flat
     * line near the top, not a cliff (issue 43, 7).
     */
    @Test
    void axesHaveRoundTicksAndZero() {
        assertArrayEquals(new double[] {0, 2.5, 5, 7.5, 10, 12.5}, Ticks.of(0, 11.06, 5), 1e-12);
        assertArrayEquals(new double[] {0, 200, 400, 600, 800, 1000}, Ticks.of(0, 1000, 5), 1e-12);
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5}, Ticks.of(-0.9, 0.3, 3), 1e-12);
        assertEquals("12.5", Ticks.label(12.5, 2.5));
        assertEquals("0.25", Ticks.label(0.25, 0.25));
        assertEquals("20k", Ticks.label(20_000, 10_000));
        assertEquals("1.5M", Ticks.label(1_500_000, 500_000));
        String kl = Chart.svg("kl", "step", "nats", List.of(new Chart.Series("kl", new double[] {1, 2, 3},
                new double[] {11.0, 11.03, 11.06})));
        assertTrue(kl.contains("class=\"zero\""), "a zero line");
        assertTrue(kl.contains(">12.5</text>") && kl.contains(">0</text>"), kl);
        double top = yOf(kl, 2);
        double bottom = yOf(kl, 0);
        assertTrue(Math.abs(top - bottom) < 5, "0.06 of 12.5 is under 5 of the chart's 162 pixels: " + top + " " + bottom);
        assertTrue(kl.contains("kl <span class=\"lv\">11.0600</span>"), "the legend gives the last value");
    }

    private static double yOf(String svg, int point) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("class=\"pt\"[^>]*cy=\"([0-9.]+)\"").matcher(svg);
        for (int i = 0; i <= point; i++) {
            assertTrue(m.find());
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * What is not worth a chart is a figure: a series with one value throughout (a count, a floor) or one point; a
     * count is a whole number; the summary gives the last training loss, the lowest held-out loss and where, and the
     * gates (issue 43, 7).
     */
    @Test
    void constantAndSinglePointSeriesAreFiguresAndTheSummaryComesFirst() throws Exception {
        Path run = Files.createDirectories(dir.resolve("summed"));
        try (MetricsLog.Appender log = MetricsLog.append(run.resolve("metrics.jsonl"))) {
            for (int step = 10; step <= 40; step += 10) {
                log.write(new ProgressRecord.Training(step, 3.0 - step / 20.0, 1000 + step, 0, step / 10.0,
                        Map.of("learning-rate", 0.003, "grad-norm", 1.0 / step)));
                log.write(new ProgressRecord.Evaluation(step, Map.of("loss", step == 30 ? 1.1 : 1.5 - step / 100.0,
                        "characters", 19200.0, "distinct-2", 0.5 + step / 100.0, "real.distinct-2", 0.93)));
            }
        }
        Files.writeString(run.resolve("config.conf"), "nova { plugin = uni, gates = [ \"held-out-loss < 1.3\","
                + " \"distinct-2 > 0.6\", \"copy-rate-8 < 0.5\" ] }\n");
        String html = Report.html(List.of(RunRecord.read(run)));
        assertTrue(html.contains("<div class=\"tt\">characters</div><div class=\"tv\">19200</div><div class=\"td\">the same at all 4 points, steps 10 to 40</div>"), html);
        assertTrue(html.contains("<div class=\"tt\">learning-rate</div><div class=\"tv\">0.003 "), html);
        assertFalse(html.contains("<title>characters</title>"), "no chart of a constant");
        assertFalse(html.contains("19200.0"), "a count is a whole number everywhere");
        assertTrue(html.contains("<title>distinct-2</title>") && html.contains("stroke-dasharray"),
                "a changing figure is charted, its real-data floor dashed");
        int summary = html.indexOf("<div class=\"cards\">");
        assertTrue(summary > 0 && summary < html.indexOf("<svg"), "the summary comes before the charts");
        assertTrue(html.contains("<div class=\"k\">held-out loss</div><div class=\"v\">1.1000</div><div class=\"d\">"
                + "lowest, at step 30</div>"), html);
        assertTrue(html.contains("<div class=\"k\">training loss</div><div class=\"v\">1</div><div class=\"d\">at step"
                + " 40</div>"), html);
        assertTrue(html.contains("<div class=\"card unmeasured\"><div class=\"k\">gates</div><div class=\"v\">2 of 3 pass,"
                + " 1 not measured</div>"), html);
        assertTrue(html.contains("nats per item"), "the loss's unit on its axis");

        Path single = Files.createDirectories(dir.resolve("single"));
        try (MetricsLog.Appender log = MetricsLog.append(single.resolve("metrics.jsonl"))) {
            log.write(new ProgressRecord.Training(5, 2.0, 10, 0, 1, Map.of()));
            log.write(new ProgressRecord.Training(10, 1.5, 12, 0, 2, Map.of()));
            log.write(new ProgressRecord.Evaluation(10, Map.of("loss", 1.7, "bits-per-char", 2.45)));
        }
        String one = Report.html(List.of(RunRecord.read(single)));
        assertTrue(one.contains("<div class=\"tt\">bits-per-char</div><div class=\"tv\">2.4500 <span class=\"tu\">bits"
                + " per character</span></div><div class=\"td\">at step 10</div>"), "one evaluation is a figure, not a"
                + " chart on an invented axis: " + one);
        assertTrue(one.contains("nats per character"), "a character model's loss is per character");
    }

    /**
     * The settings are the run's own choices with their origins, the defaults folded; no marker of the loader's and no
     * Typesafe merge description (issue 43, 7).
     */
    @Test
    void settingsShowTheRunsChoicesWithTheirOriginsAndFoldTheDefaults() throws Exception {
        Path run = run("configured");
        Files.writeString(run.resolve("config.conf"), """
                # Effective configuration of this run, with the origin of each value.
                    # merge of --init-from,withValue(plugin),nova host reference.conf: 2
                nova {
                    # --init-from
                    init-from="/runs/parent"
                    # the parent checkpoint /runs/parent/checkpoints/latest.ckpt
                    plugin=uni
                    # merge of --set nova.train.steps: 1,nova host reference.conf: 26
                    train {
                        # --set nova.train.steps: 1
                        steps=40
                        # nova host reference.conf: 30
                        # Stop when the loss exceeds this many times its starting value.
                        # nova:real-valued
                        divergence-factor=10
                    }
                }
                # merge of withValue(uni.model.embedding),plugin 'uni' reference.conf (/lib/uni.jar): 2
                plugins.uni {
                    # run.conf: 4
                    batch=8
                    # plugin 'uni' reference.conf (/lib/uni.jar): 5
                    # nova:real-valued
                    smoothing=0
                }
                """);
        String html = Report.html(List.of(RunRecord.read(run)));
        assertTrue(html.contains("<tr><td>nova.init-from</td><td>/runs/parent</td><td>--init-from</td></tr>"), html);
        assertTrue(html.contains("<tr><td>nova.train.steps</td><td>40</td><td>--set nova.train.steps</td></tr>"), html);
        assertTrue(html.contains("<tr><td>plugins.uni.batch</td><td>8</td><td>run.conf: 4</td></tr>"), html);
        assertTrue(html.contains("<tr><td>nova.plugin</td><td>uni</td><td>the parent checkpoint"), html);
        assertTrue(html.contains("<summary>2 settings at their defaults</summary>"), html);
        assertTrue(html.contains("<tr><td>plugins.uni.smoothing</td><td>0</td><td>uni</td></tr>"), html);
        assertFalse(html.contains("real-valued") || html.contains("withValue") || html.contains("merge of"), html);
    }
}

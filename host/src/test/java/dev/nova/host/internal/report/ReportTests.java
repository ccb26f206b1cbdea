package dev.nova.host.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.store.MetricsLog;
import dev.nova.host.internal.store.ProgressRecord;
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
        assertTrue(svg.contains(": 50 at 654322</title>"), "the spike is drawn");
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
}

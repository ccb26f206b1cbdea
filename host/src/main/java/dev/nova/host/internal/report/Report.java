package dev.nova.host.internal.report;

import dev.nova.host.internal.media.SampleFormat;
import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.support.AtomicFiles;
import dev.nova.host.internal.support.HostVersion;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nova report RUN [RUN...]}: one self-contained HTML file per call, readable without a network or JavaScript:
 * inline SVG charts (training and held-out loss, throughput, each metric over the evaluations), each evaluation's
 * samples (text, PNG grids and WAV files as data URIs), the gates of each run against its last evaluation, the effective
 * configuration with origins, and the provenance and lineage of the latest checkpoint. Several runs are overlaid in
 * the charts and compared in one table.
 */
public final class Report {

    private Report() {
    }

    /**
     * Writes the report of some runs.
     *
     * @param runs run folders
     * @param out the HTML file to write (atomically)
     * @return the file
     */
    public static Path write(List<Path> runs, Path out) {
        // Before any work: the file to write must not be a folder (an empty one would be replaced).
        if (java.nio.file.Files.isDirectory(out)) {
            throw new UsageException("report: --out " + out + " is a directory; give the HTML file to write");
        }
        List<RunRecord> records = runs.stream().map(RunRecord::read).toList();
        AtomicFiles.write(html(records).getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    static String html(List<RunRecord> runs) {
        Html h = new Html();
        String title = "Nova report: " + String.join(", ", runs.stream().map(RunRecord::name).toList());
        h.trusted("<!DOCTYPE html>").newline().open("html", "lang", "en").open("head").open("meta", "charset", "utf-8")
                .open("meta", "http-equiv", "Content-Security-Policy", "content", CSP).element("title", title).newline().open("style").trusted(STYLE).close("style").close("head").newline()
                .open("body").newline().element("h1", title).newline()
                .element("p", "nova " + HostVersion.version() + asOf(runs), "class", "meta").newline();
        if (runs.size() > 1) {
            comparison(h, runs);
        }
        for (RunRecord r : runs) {
            run(h, r);
        }
        return h.close("body").close("html").newline().toString();
    }

    /**
     * When the runs were last written to, from the runs themselves (their latest checkpoints), not the clock: the
     * report of the same runs is the same file.
     */
    private static String asOf(List<RunRecord> runs) {
        java.time.Instant latest = null;
        for (RunRecord r : runs) {
            try {
                java.time.Instant t = java.time.Instant.parse(r.manifest().getOrDefault("created", ""));
                latest = latest == null || t.isAfter(latest) ? t : latest;
            } catch (java.time.format.DateTimeParseException noCheckpoint) {
                // a run without a checkpoint says nothing of when it was written
            }
        }
        return latest == null ? "" : ", runs as of " + latest;
    }

    /** A subword text model's held-out loss per character (kit's TextMetrics.LOSS_PER_CHAR). */
    static final String LOSS_PER_CHAR = "loss-per-char";

    private static void comparison(Html h, List<RunRecord> runs) {
        h.open("section", "id", "comparison").element("h2", "Runs compared").newline();
        List<Chart.Series> train = new ArrayList<>();
        List<Chart.Series> held = new ArrayList<>();
        for (RunRecord r : runs) {
            train.add(progress(r.name(), r, 1));
            // runs on other tokens compare per character: a subword model's loss per token is not a character model's
            boolean perChar = r.evaluations().values().stream().anyMatch(m -> m.containsKey(LOSS_PER_CHAR));
            held.add(evaluation(perChar ? r.name() + " (per character)" : r.name(), r, perChar ? LOSS_PER_CHAR : "loss"));
        }
        h.trusted(Chart.svg("Training loss", "step", "loss", train)).newline();
        h.trusted(Chart.svg("Held-out loss", "step", "loss", held)).newline();
        Set<String> metrics = new java.util.TreeSet<>();
        runs.forEach(r -> r.evaluations().values().forEach(m -> metrics.addAll(m.keySet())));
        h.open("table", "class", "metrics").element("caption", "Last evaluation of each run").open("tr")
                .element("th", "metric");
        runs.forEach(r -> h.element("th", r.name()));
        h.close("tr").newline();
        for (String m : metrics) {
            h.open("tr").element("td", m);
            for (RunRecord r : runs) {
                Double v = r.evaluations().isEmpty() ? null : r.evaluations().get(r.evaluations().lastKey()).get(m);
                h.element("td", v == null ? "" : Chart.num(v));
            }
            h.close("tr").newline();
        }
        h.close("table").close("section").newline();
    }

    private static void run(Html h, RunRecord r) {
        h.open("section", "class", "run", "id", "run-" + r.name()).open("h2").text(r.name() + " ")
                .element("small", r.plugin() + ", " + r.dir().toAbsolutePath()).close("h2").newline();
        h.trusted(Chart.svg("Loss", "step", "nats", List.of(progress("training", r, 1), evaluation("held-out", r,
                "loss")))).newline();
        h.trusted(Chart.svg("Throughput", "step", "items/s", List.of(progress("items/s", r, 2)))).newline();
        Set<String> metrics = new java.util.TreeSet<>();
        r.evaluations().values().forEach(m -> metrics.addAll(m.keySet()));
        metrics.remove("loss");
        for (String m : metrics) {
            if (!m.startsWith("real.")) {
                List<Chart.Series> series = new ArrayList<>(List.of(evaluation(m, r, m)));
                if (metrics.contains("real." + m)) {
                    series.add(evaluation("real " + m, r, "real." + m));
                }
                h.trusted(Chart.svg(m, "step", m, series)).newline();
            }
        }
        if (!r.extractor().isEmpty()) {
            h.element("p", "Image metrics measured with the reference extractor: " + r.extractor(), "class",
                    "extractor").newline();
        }
        gates(h, r);
        h.element("h3", "Evaluations").newline().open("table", "class", "metrics").open("tr").element("th", "step");
        List<String> columns = new ArrayList<>(new java.util.TreeSet<>(r.evaluations().values().stream()
                .flatMap(m -> m.keySet().stream()).toList()));
        columns.forEach(c -> h.element("th", c));
        h.close("tr").newline();
        r.evaluations().forEach((step, m) -> {
            h.open("tr").element("td", String.valueOf(step));
            columns.forEach(c -> h.element("td", m.containsKey(c) ? Chart.num(m.get(c)) : ""));
            h.close("tr").newline();
        });
        h.close("table").newline().element("h3", "Samples").newline();
        r.samples().forEach((step, file) -> {
            h.open("figure", "class", "sample").element("figcaption", "step " + step);
            try {
                h.trusted(SampleFormat.ofFile(file).orElse(SampleFormat.TEXT).html(Files.readAllBytes(file),
                        "samples at step " + step, Html::escape));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            h.close("figure").newline();
        });
        if (!r.lineage().isEmpty()) {
            h.element("h3", "Lineage").open("ul");
            r.lineage().forEach(l -> h.element("li", l));
            h.close("ul").newline();
        }
        h.element("h3", "Provenance").newline().open("table", "class", "kv");
        r.manifest().forEach((k, v) -> h.open("tr").element("td", k).element("td", v).close("tr"));
        h.close("table").newline().element("h3", "Configuration").newline().element("pre", r.config(), "class", "config")
                .newline().close("section").newline();
    }

    private static void gates(Html h, RunRecord r) {
        List<String> gates = r.gates();
        if (gates.isEmpty()) {
            return;
        }
        Map<String, Double> last = r.evaluations().isEmpty() ? Map.of()
                : r.evaluations().get(r.evaluations().lastKey());
        h.element("h3", "Gates").newline().open("table", "class", "gates").open("tr").element("th", "metric")
                .element("th", "threshold").element("th", "value").element("th", "pass").close("tr").newline();
        // A gate this run's configuration got wrong is shown as such in its row: the other runs, and this run's other
        // gates, are still reported.
        List<Gates.Gate> parsed = new ArrayList<>();
        for (String g : gates) {
            try {
                parsed.add(Gates.parse(g));
            } catch (IllegalArgumentException e) {
                h.open("tr", "class", "fail").element("td", g).element("td", "malformed: " + e.getMessage())
                        .element("td", "").element("td", "NO").close("tr").newline();
            }
        }
        for (Gates.Verdict v : new Gates(parsed).verdicts(last)) {
            boolean measured = v.value().isPresent();
            h.open("tr", "class", !measured ? "unmeasured" : v.passed() ? "pass" : "fail")
                    .element("td", v.gate().metric()).element("td", v.gate().condition())
                    .element("td", !measured ? "not measured" : Chart.num(v.value().getAsDouble()))
                    .element("td", !measured ? "?" : v.passed() ? "yes" : "NO").close("tr").newline();
        }
        h.close("table").newline();
    }

    private static Chart.Series progress(String name, RunRecord r, int column) {
        double[] xs = r.progress().stream().mapToDouble(p -> p[0]).toArray();
        double[] ys = r.progress().stream().mapToDouble(p -> p[column]).toArray();
        return new Chart.Series(name, xs, ys);
    }

    private static Chart.Series evaluation(String name, RunRecord r, String metric) {
        List<Long> steps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        r.evaluations().forEach((step, m) -> {
            if (m.containsKey(metric)) {
                steps.add(step);
                values.add(m.get(metric));
            }
        });
        return new Chart.Series(name, steps.stream().mapToDouble(Long::doubleValue).toArray(),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * What the report may load: nothing but its own inline style and the data URIs of its samples (no script, no
     * network), so that markup that ever got in could not run.
     */
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:";

    private static final String STYLE = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}"
            + "h1{font-size:22px}h2{border-bottom:1px solid #ccc;padding-bottom:4px}small{color:#666;font-weight:normal}"
            + ".meta{color:#666}svg.chart{display:block;margin:8px 0;background:#fafafa;border:1px solid #eee}"
            + ".ct{font-weight:bold}.al{font-size:11px;fill:#555}table{border-collapse:collapse;margin:8px 0}"
            + "td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}td:first-child{text-align:left}"
            + "tr.fail td{background:#fdd}tr.pass td{background:#dfd}pre{background:#f6f6f6;padding:8px;"
            + "white-space:pre-wrap}figure.sample{display:inline-block;vertical-align:top;margin:4px}"
            + "figure.sample img{image-rendering:pixelated;width:256px}.kv td{text-align:left}";
}

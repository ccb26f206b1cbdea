package dev.nova.host.internal.report;

import dev.nova.host.internal.media.SampleFormat;
import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.support.AtomicFiles;
import dev.nova.host.internal.support.HostVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        List<RunRecord> records = runs.stream().map(RunRecord::read).toList();
        AtomicFiles.write(html(records).getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    static String html(List<RunRecord> runs) {
        StringBuilder b = new StringBuilder();
        String title = "Nova report: " + String.join(", ", runs.stream().map(RunRecord::name).toList());
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Html.escape(title))
                .append("</title>\n<style>").append(STYLE).append("</style></head>\n<body>\n<h1>")
                .append(Html.escape(title)).append("</h1>\n<p class=\"meta\">nova ").append(Html.escape(HostVersion.version()))
                .append(", written ").append(Instant.now()).append("</p>\n");
        if (runs.size() > 1) {
            comparison(b, runs);
        }
        for (RunRecord r : runs) {
            run(b, r);
        }
        return b.append("</body></html>\n").toString();
    }

    private static void comparison(StringBuilder b, List<RunRecord> runs) {
        b.append("<section id=\"comparison\"><h2>Runs compared</h2>\n");
        List<Chart.Series> train = new ArrayList<>();
        List<Chart.Series> held = new ArrayList<>();
        for (RunRecord r : runs) {
            train.add(progress(r.name(), r, 1));
            held.add(evaluation(r.name(), r, "loss"));
        }
        b.append(Chart.svg("Training loss", "step", "loss", train)).append('\n');
        b.append(Chart.svg("Held-out loss", "step", "loss", held)).append('\n');
        Set<String> metrics = new java.util.TreeSet<>();
        runs.forEach(r -> r.evaluations().values().forEach(m -> metrics.addAll(m.keySet())));
        b.append("<table class=\"metrics\"><caption>Last evaluation of each run</caption><tr><th>metric</th>");
        runs.forEach(r -> b.append("<th>").append(Html.escape(r.name())).append("</th>"));
        b.append("</tr>\n");
        for (String m : metrics) {
            b.append("<tr><td>").append(Html.escape(m)).append("</td>");
            for (RunRecord r : runs) {
                Double v = r.evaluations().isEmpty() ? null : r.evaluations().get(r.evaluations().lastKey()).get(m);
                b.append("<td>").append(v == null ? "" : Chart.num(v)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table></section>\n");
    }

    private static void run(StringBuilder b, RunRecord r) {
        b.append("<section class=\"run\" id=\"run-").append(Html.escape(r.name())).append("\"><h2>")
                .append(Html.escape(r.name())).append(" <small>").append(Html.escape(r.plugin())).append(", ")
                .append(r.dir().toAbsolutePath()).append("</small></h2>\n");
        b.append(Chart.svg("Loss", "step", "nats", List.of(progress("training", r, 1), evaluation("held-out", r, "loss"))))
                .append('\n');
        b.append(Chart.svg("Throughput", "step", "items/s", List.of(progress("items/s", r, 2)))).append('\n');
        Set<String> metrics = new java.util.TreeSet<>();
        r.evaluations().values().forEach(m -> metrics.addAll(m.keySet()));
        metrics.remove("loss");
        for (String m : metrics) {
            if (!m.startsWith("real.")) {
                List<Chart.Series> series = new ArrayList<>(List.of(evaluation(m, r, m)));
                if (metrics.contains("real." + m)) {
                    series.add(evaluation("real " + m, r, "real." + m));
                }
                b.append(Chart.svg(m, "step", m, series)).append('\n');
            }
        }
        if (!r.extractor().isEmpty()) {
            b.append("<p class=\"extractor\">Image metrics measured with the reference extractor: ")
                    .append(Html.escape(r.extractor())).append("</p>\n");
        }
        gates(b, r);
        b.append("<h3>Evaluations</h3>\n<table class=\"metrics\"><tr><th>step</th>");
        List<String> columns = new ArrayList<>(new java.util.TreeSet<>(r.evaluations().values().stream()
                .flatMap(m -> m.keySet().stream()).toList()));
        columns.forEach(c -> b.append("<th>").append(Html.escape(c)).append("</th>"));
        b.append("</tr>\n");
        r.evaluations().forEach((step, m) -> {
            b.append("<tr><td>").append(step).append("</td>");
            columns.forEach(c -> b.append("<td>").append(m.containsKey(c) ? Chart.num(m.get(c)) : "").append("</td>"));
            b.append("</tr>\n");
        });
        b.append("</table>\n<h3>Samples</h3>\n");
        r.samples().forEach((step, file) -> {
            b.append("<figure class=\"sample\"><figcaption>step ").append(step).append("</figcaption>");
            try {
                b.append(SampleFormat.ofFile(file).orElse(SampleFormat.TEXT).html(Files.readAllBytes(file),
                        "samples at step " + step, Html::escape));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            b.append("</figure>\n");
        });
        if (!r.lineage().isEmpty()) {
            b.append("<h3>Lineage</h3><ul>");
            r.lineage().forEach(l -> b.append("<li>").append(Html.escape(l)).append("</li>"));
            b.append("</ul>\n");
        }
        b.append("<h3>Provenance</h3>\n<table class=\"kv\">");
        r.manifest().forEach((k, v) -> b.append("<tr><td>").append(Html.escape(k)).append("</td><td>")
                .append(Html.escape(v)).append("</td></tr>"));
        b.append("</table>\n<h3>Configuration</h3>\n<pre class=\"config\">").append(Html.escape(r.config()))
                .append("</pre>\n</section>\n");
    }

    private static void gates(StringBuilder b, RunRecord r) {
        List<String> gates = r.gates();
        if (gates.isEmpty()) {
            return;
        }
        Map<String, Double> last = r.evaluations().isEmpty() ? Map.of()
                : new LinkedHashMap<>(r.evaluations().get(r.evaluations().lastKey()));
        if (last.containsKey("loss")) {
            last.put(Gates.HELD_OUT_LOSS, last.get("loss"));
        }
        b.append("<h3>Gates</h3>\n<table class=\"gates\"><tr><th>metric</th><th>threshold</th><th>value</th>"
                + "<th>pass</th></tr>\n");
        for (String text : gates) {
            Gates.Gate g = Gates.parse(text);
            Double v = last.get(g.metric());
            boolean pass = v != null && g.passes(v);
            b.append("<tr class=\"").append(v == null ? "unmeasured" : pass ? "pass" : "fail").append("\"><td>")
                    .append(Html.escape(g.metric())).append("</td><td>").append(Html.escape(g.condition()))
                    .append("</td><td>").append(v == null ? "not measured" : Chart.num(v)).append("</td><td>")
                    .append(v == null ? "?" : pass ? "yes" : "NO").append("</td></tr>\n");
        }
        b.append("</table>\n");
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

    private static final String STYLE = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}"
            + "h1{font-size:22px}h2{border-bottom:1px solid #ccc;padding-bottom:4px}small{color:#666;font-weight:normal}"
            + ".meta{color:#666}svg.chart{display:block;margin:8px 0;background:#fafafa;border:1px solid #eee}"
            + ".ct{font-weight:bold}.al{font-size:11px;fill:#555}table{border-collapse:collapse;margin:8px 0}"
            + "td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}td:first-child{text-align:left}"
            + "tr.fail td{background:#fdd}tr.pass td{background:#dfd}pre{background:#f6f6f6;padding:8px;"
            + "white-space:pre-wrap}figure.sample{display:inline-block;vertical-align:top;margin:4px}"
            + "figure.sample img{image-rendering:pixelated;width:256px}.kv td{text-align:left}";
}

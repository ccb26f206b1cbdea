package dev.nova.host.internal.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import dev.nova.host.internal.media.SampleFormat;
import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.store.ProgressRecord.Training;
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

    /** What the figures of the commonest metrics count, for the y axis; any other metric is labelled by its name. */
    private static final Map<String, String> UNITS = Map.ofEntries(Map.entry("loss", "nats per item"),
            Map.entry(LOSS_PER_CHAR, "nats per character"), Map.entry("bits-per-char", "bits per character"),
            Map.entry("longest-copy", "characters"), Map.entry("characters", "characters"),
            Map.entry("images", "images"), Map.entry("fd", "Fr\u00e9chet distance"), Map.entry("grad-norm", "L2 norm"),
            Map.entry("learning-rate", "rate"), Map.entry("items/s", "items per second"));

    private static String unit(String metric) {
        if (UNITS.containsKey(metric)) {
            return UNITS.get(metric);
        }
        if (metric.startsWith("copy-rate") || metric.startsWith("distinct-") || metric.startsWith("repetition")
                || metric.equals("precision") || metric.equals("recall") || metric.equals("class-consistency")) {
            return "share";
        }
        return metric;
    }

    private static void comparison(Html h, List<RunRecord> runs) {
        h.open("section", "id", "comparison").element("h2", "Runs compared").newline();
        h.open("table", "class", "summary").open("tr");
        for (String c : List.of("run", "plugin", "steps", "training time", "training loss", "best held-out loss",
                "gates", "from")) {
            h.element("th", c);
        }
        h.close("tr").newline();
        for (RunRecord r : runs) {
            RunSummary s = RunSummary.of(r);
            h.open("tr").open("td").open("a", "href", "#run-" + r.name()).text(r.name()).close("a").close("td")
                    .element("td", r.plugin()).element("td", s.steps()).element("td", s.time())
                    .element("td", s.trainingLoss()).element("td", s.bestHeldOut())
                    .element("td", s.gates(), "class", s.gateClass()).element("td", s.parent()).close("tr").newline();
        }
        h.close("table").newline();
        List<Chart.Series> train = new ArrayList<>();
        List<Chart.Series> held = new ArrayList<>();
        boolean anyPerChar = false;
        for (RunRecord r : runs) {
            train.add(progress(r.name(), r, Training::loss));
            // runs on other tokens compare per character: a subword model's loss per token is not a character model's
            boolean perChar = r.evaluations().values().stream().anyMatch(m -> m.containsKey(LOSS_PER_CHAR));
            anyPerChar |= perChar;
            held.add(evaluation(perChar ? r.name() + " (per character)" : r.name(), r, perChar ? LOSS_PER_CHAR : "loss"));
        }
        Set<String> items = new java.util.TreeSet<>(runs.stream().map(Report::item).toList());
        String item = items.size() == 1 ? items.iterator().next() : "item";
        h.open("div", "class", "grid");
        h.trusted(Chart.svg("Training loss", "step", "nats per " + item, train)).newline();
        h.trusted(Chart.svg("Held-out loss", "step", anyPerChar ? "nats (per character where marked)"
                : "nats per " + item, held)).newline();
        h.trusted(Chart.svg("Throughput", "step", item + "s per second", runs.stream()
                .map(r -> progress(r.name(), r, Training::itemsPerSecond)).toList())).newline();
        Set<String> metrics = new java.util.TreeSet<>();
        runs.forEach(r -> r.evaluations().values().forEach(m -> metrics.addAll(m.keySet())));
        metrics.removeIf(m -> m.equals("loss") || m.equals(LOSS_PER_CHAR) || m.startsWith("real."));
        for (String m : metrics) {
            List<Chart.Series> series = runs.stream().map(r -> evaluation(r.name(), r, m)).toList();
            // a figure that no run changed is in the table below, not worth a chart
            if (!Chart.flat(series)) {
                h.trusted(Chart.svg(m, "step", unit(m), series)).newline();
            }
        }
        h.close("div").newline();
        Set<String> all = new java.util.TreeSet<>();
        runs.forEach(r -> r.evaluations().values().forEach(m -> all.addAll(m.keySet())));
        h.open("table", "class", "metrics").element("caption", "Last evaluation of each run").open("tr")
                .element("th", "metric");
        runs.forEach(r -> h.element("th", r.name()));
        h.close("tr").newline();
        for (String m : all) {
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
        RunSummary s = RunSummary.of(r);
        h.open("div", "class", "cards");
        card(h, "steps", s.steps(), s.time().isEmpty() ? "" : "in " + s.time());
        card(h, "training loss", s.trainingLoss(), s.trainingLossAt());
        card(h, "held-out loss", s.bestHeldOut(), s.bestHeldOutAt());
        for (String[] q : s.quality()) {
            card(h, q[0], q[1], q[2]);
        }
        if (!r.gates().isEmpty()) {
            h.open("div", "class", "card " + s.gateClass()).element("div", "gates", "class", "k")
                    .element("div", s.gates(), "class", "v").element("div", "at the last evaluation", "class", "d")
                    .close("div");
        }
        if (!s.parent().isEmpty()) {
            card(h, "fine-tuned from", s.parent(), "");
        }
        h.close("div").newline();
        String item = item(r);
        h.element("h3", "Training").newline();
        Grid training = new Grid();
        training.add("Loss", "nats per " + item, List.of(progress("training", r, Training::loss), evaluation("held-out",
                r, "loss")), true);
        training.add("Throughput", item + "s per second", List.of(progress(item + "s/s", r, Training::itemsPerSecond)),
                false);
        Set<String> extras = new java.util.TreeSet<>();
        r.progress().forEach(t -> extras.addAll(t.extras().keySet()));
        extras.remove("model-flops");
        for (String x : extras) {
            training.add(x, unit(x), List.of(progress(x, r, t -> t.extras().getOrDefault(x, Double.NaN))), false);
        }
        training.write(h);
        Set<String> metrics = new java.util.TreeSet<>();
        r.evaluations().values().forEach(m -> metrics.addAll(m.keySet()));
        metrics.remove("loss");
        if (!metrics.isEmpty()) {
            h.element("h3", "Evaluations").newline();
            Grid evaluations = new Grid();
            for (String m : metrics) {
                if (!m.startsWith("real.")) {
                    List<Chart.Series> series = new ArrayList<>(List.of(evaluation(m, r, m)));
                    if (metrics.contains("real." + m)) {
                        series.add(evaluation("real data", r, "real." + m, true));
                    }
                    evaluations.add(m, unit(m), series, false);
                }
            }
            evaluations.write(h);
        }
        if (!r.extractor().isEmpty()) {
            h.element("p", "Image metrics measured with the reference extractor: " + r.extractor(), "class",
                    "extractor").newline();
        }
        gates(h, r);
        h.open("details").element("summary", "Every evaluation (" + r.evaluations().size() + ")").open("table",
                "class", "metrics").open("tr").element("th", "step");
        List<String> columns = new ArrayList<>(new java.util.TreeSet<>(r.evaluations().values().stream()
                .flatMap(m -> m.keySet().stream()).toList()));
        columns.forEach(c -> h.element("th", c));
        h.close("tr").newline();
        r.evaluations().forEach((step, m) -> {
            h.open("tr").element("td", String.valueOf(step));
            columns.forEach(c -> h.element("td", m.containsKey(c) ? Chart.num(m.get(c)) : ""));
            h.close("tr").newline();
        });
        h.close("table").close("details").newline().element("h3", "Samples").newline();
        // the latest first: what the model does now is what a reader came for
        List<Long> steps = new ArrayList<>(r.samples().keySet());
        java.util.Collections.reverse(steps);
        for (Long step : steps) {
            Path file = r.samples().get(step);
            h.open("figure", "class", "sample").element("figcaption", "step " + step);
            try {
                h.trusted(SampleFormat.ofFile(file).orElse(SampleFormat.TEXT).html(Files.readAllBytes(file),
                        "samples at step " + step, Html::escape));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            h.close("figure").newline();
        }
        if (!r.lineage().isEmpty()) {
            h.element("h3", "Lineage").open("ul");
            r.lineage().forEach(l -> h.element("li", l));
            h.close("ul").newline();
        }
        settings(h, r);
        h.open("details").element("summary", "Provenance of the latest checkpoint").open("table", "class", "kv");
        r.manifest().forEach((k, v) -> h.open("tr").element("td", k).element("td", v).close("tr"));
        h.close("table").close("details").newline().close("section").newline();
    }

    private static void card(Html h, String key, String value, String detail) {
        h.open("div", "class", "card").element("div", key, "class", "k").element("div", value, "class", "v")
                .element("div", detail, "class", "d").close("div");
    }

    /**
     * Charts of one part of a run in a grid, and before them, as a row of tiles, the figures not worth a chart: one
     * point, or one value throughout. The loss chart stays a chart while it has a point.
     */
    private static final class Grid {
        private final StringBuilder tiles = new StringBuilder();
        private final StringBuilder charts = new StringBuilder();

        void add(String title, String unit, List<Chart.Series> series, boolean always) {
            boolean empty = series.stream().allMatch(s -> s.finite().length == 0);
            if (always ? empty : Chart.flat(series)) {
                tiles.append(Chart.tile(title, unit, series)).append('\n');
            } else {
                charts.append(Chart.svg(title, "step", unit, series)).append('\n');
            }
        }

        void write(Html h) {
            if (!tiles.isEmpty()) {
                h.open("div", "class", "tiles").newline().trusted(tiles.toString()).close("div").newline();
            }
            if (!charts.isEmpty()) {
                h.open("div", "class", "grid").newline().trusted(charts.toString()).close("div").newline();
            }
        }
    }

    /**
     * What a run's loss is counted per, from its evaluation's figures: a character ({@code bits-per-char}), a token (a
     * subword model, which also reports {@code loss-per-char}), an audio sample ({@code bits-per-sample}), an image;
     * else an item.
     */
    static String item(RunRecord r) {
        Set<String> keys = new java.util.HashSet<>();
        r.evaluations().values().forEach(m -> keys.addAll(m.keySet()));
        return keys.contains(LOSS_PER_CHAR) ? "token" : keys.contains("bits-per-char") ? "character"
                : keys.contains("bits-per-sample") ? "sample" : keys.contains("images") || keys.contains("fd") ? "image"
                : "item";
    }

    /**
     * The run's settings: those this run chose (a run file, {@code --set}, {@code --init-from}, the parent checkpoint),
     * each with where it came from, then the defaults, folded. Read from the origin comments of its
     * {@code config.conf}; a configuration that does not parse is shown as written.
     */
    private static void settings(Html h, RunRecord r) {
        List<String[]> chosen = new ArrayList<>();
        List<String[]> defaults = new ArrayList<>();
        try {
            Config c = ConfigFactory.parseString(r.config());
            java.util.SortedMap<String, com.typesafe.config.ConfigValue> leaves = new java.util.TreeMap<>();
            c.entrySet().forEach(e -> leaves.put(e.getKey(), e.getValue()));
            leaves.forEach((k, v) -> {
                List<String> comments = v.origin().comments();
                String origin = comments.isEmpty() ? "" : comments.get(0).strip();
                String shown = v.valueType() == ConfigValueType.STRING ? String.valueOf(v.unwrapped())
                        : v.render(ConfigRenderOptions.concise());
                if (origin.contains("reference.conf")) {
                    defaults.add(new String[] {k, shown, origin.startsWith("nova host") ? "host"
                            : origin.replaceFirst("^plugin '([^']*)'.*", "$1")});
                } else {
                    chosen.add(new String[] {k, shown, origin.replaceFirst("^merge of ([^,]*),.*", "$1")
                            .replaceFirst("^(--\\S+(?: \\S+)?): \\d+$", "$1")});
                }
            });
        } catch (ConfigException e) {
            h.element("h3", "Configuration").newline().element("pre", r.config(), "class", "config").newline();
            return;
        }
        h.element("h3", "Settings").newline().open("table", "class", "kv settings").open("tr").element("th", "setting")
                .element("th", "value").element("th", "from").close("tr").newline();
        chosen.forEach(row -> h.open("tr").element("td", row[0]).element("td", row[1]).element("td", row[2])
                .close("tr").newline());
        h.close("table").newline().open("details").element("summary", defaults.size() + " settings at their defaults")
                .open("table", "class", "kv settings").open("tr").element("th", "setting").element("th", "value")
                .element("th", "default of").close("tr").newline();
        defaults.forEach(row -> h.open("tr").element("td", row[0]).element("td", row[1]).element("td", row[2])
                .close("tr").newline());
        h.close("table").close("details").newline();
    }

    static List<Gates.Verdict> verdicts(RunRecord r, List<String> malformed) {
        Map<String, Double> last = r.evaluations().isEmpty() ? Map.of()
                : r.evaluations().get(r.evaluations().lastKey());
        List<Gates.Gate> parsed = new ArrayList<>();
        for (String g : r.gates()) {
            try {
                parsed.add(Gates.parse(g));
            } catch (IllegalArgumentException e) {
                malformed.add(g + "\u0000" + e.getMessage());
            }
        }
        return new Gates(parsed).verdicts(last);
    }

    private static void gates(Html h, RunRecord r) {
        if (r.gates().isEmpty()) {
            return;
        }
        h.element("h3", "Gates").newline().open("table", "class", "gates").open("tr").element("th", "metric")
                .element("th", "threshold").element("th", "value").element("th", "pass").close("tr").newline();
        // A gate this run's configuration got wrong is shown as such in its row: the other runs, and this run's other
        // gates, are still reported.
        List<String> malformed = new ArrayList<>();
        List<Gates.Verdict> verdicts = verdicts(r, malformed);
        for (String m : malformed) {
            String[] parts = m.split("\u0000", 2);
            h.open("tr", "class", "fail").element("td", parts[0]).element("td", "malformed: " + parts[1])
                    .element("td", "").element("td", "NO").close("tr").newline();
        }
        for (Gates.Verdict v : verdicts) {
            boolean measured = v.value().isPresent();
            h.open("tr", "class", !measured ? "unmeasured" : v.passed() ? "pass" : "fail")
                    .element("td", v.gate().metric()).element("td", v.gate().condition())
                    .element("td", !measured ? "not measured" : Chart.num(v.value().getAsDouble()))
                    .element("td", !measured ? "?" : v.passed() ? "yes" : "NO").close("tr").newline();
        }
        h.close("table").newline();
    }

    private static Chart.Series progress(String name, RunRecord r, java.util.function.ToDoubleFunction<Training> f) {
        double[] xs = r.progress().stream().mapToDouble(Training::step).toArray();
        double[] ys = r.progress().stream().mapToDouble(f).toArray();
        return new Chart.Series(name, xs, ys);
    }

    private static Chart.Series evaluation(String name, RunRecord r, String metric) {
        return evaluation(name, r, metric, false);
    }

    private static Chart.Series evaluation(String name, RunRecord r, String metric, boolean reference) {
        List<Long> steps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        r.evaluations().forEach((step, m) -> {
            if (m.containsKey(metric)) {
                steps.add(step);
                values.add(m.get(metric));
            }
        });
        return new Chart.Series(name, steps.stream().mapToDouble(Long::doubleValue).toArray(),
                values.stream().mapToDouble(Double::doubleValue).toArray(), reference);
    }

    /**
     * What the report may load: nothing but its own inline style and the data URIs of its samples (no script, no
     * network), so that markup that ever got in could not run.
     */
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:";

    private static final String STYLE = "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1320px;"
            + "padding:0 16px;color:#222}h1{font-size:22px}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}"
            + "h3{margin:20px 0 6px}small{color:#666;font-weight:normal;font-size:13px}.meta{color:#666}"
            + ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:10px}"
            + "figure.chart{margin:0;background:#fcfcfc;border:1px solid #e4e4e4;border-radius:4px;padding:2px 6px 6px}"
            + "svg.chart{display:block;width:100%;height:auto}figure.chart figcaption{font-size:12px;color:#444}.lv{font-weight:bold}"
            + ".ct{font-weight:bold;font-size:13px}.al{font-size:11px;fill:#555}line.grid{stroke:#e8e8e8}"
            + "line.zero{stroke:#777}line.axis,line.tick{stroke:#999}circle.pt{stroke:transparent;stroke-width:8}"
            + "circle.pt:hover{stroke:rgba(0,0,0,.25);stroke-width:3}"
            + ".tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px;margin-bottom:10px}"
            + ".tile,.card{background:#fcfcfc;border:1px solid #e4e4e4;border-radius:4px;padding:8px 12px}"
            + ".tt,.k{font-weight:bold;font-size:13px}.tv,.v{font-size:22px;margin:4px 0}.tu{font-size:13px;color:#666}"
            + ".td,.d{font-size:12px;color:#666}.cards{display:grid;grid-template-columns:repeat(auto-fill,"
            + "minmax(170px,1fr));gap:8px;margin:10px 0}.card.pass{background:#efe}.card.fail{background:#fee}.card.unmeasured{background:#ffd}"
            + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:2px 6px;"
            + "text-align:right}th{white-space:nowrap}.kv th{text-align:left}td:first-child{text-align:left}tr.fail td,td.fail{background:#fdd}tr.pass td,td.pass"
            + "{background:#dfd}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}figure.sample{display:inline-block;"
            + "vertical-align:top;margin:4px;max-width:100%}figure.sample img{image-rendering:pixelated;width:256px}svg.spectrogram{display:block;width:560px;max-width:100%;height:auto}"
            + ".kv td{text-align:left}summary{cursor:pointer;margin:10px 0;font-weight:bold}";
}

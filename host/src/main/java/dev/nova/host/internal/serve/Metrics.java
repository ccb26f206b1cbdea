package dev.nova.host.internal.serve;

import dev.nova.host.internal.media.SampleFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, written in Prometheus' text exposition format (version 0.0.4) for {@code GET /metrics}.
 *
 * <p>Written here rather than with Prometheus' Java client: the format is a few documented lines per metric, and the
 * client (1.x) brings eight jars, one of which is not on the Maven mirror this project builds from.
 */
final class Metrics {

    /** Latency histogram bounds, in seconds. */
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> tokens = new ConcurrentHashMap<>();
    /** Samples that are files, by format and model. */
    private final Map<SampleFormat, Map<String, LongAdder>> files = Map.of(SampleFormat.IMAGES,
            new ConcurrentHashMap<>(), SampleFormat.SOUNDS, new ConcurrentHashMap<>());
    private final List<ServedModel> models;

    Metrics(List<ServedModel> models) {
        this.models = models;
    }

    /** Counts an answered request. */
    void request(String endpoint, int status, double seconds) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
        latency.computeIfAbsent(endpoint, k -> new Histogram()).observe(seconds);
    }

    void tokens(String model, long n) {
        tokens.computeIfAbsent(model, k -> new LongAdder()).add(n);
    }

    /** Counts samples that are files (images, sounds). */
    void samples(SampleFormat format, String model, long n) {
        files.get(format).computeIfAbsent(model, k -> new LongAdder()).add(n);
    }


    /** The exposition text. */
    String render() {
        StringBuilder b = new StringBuilder();
        head(b, "nova_http_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] parts = k.split("\u0000");
            b.append("nova_http_requests_total{endpoint=\"").append(escape(parts[0])).append("\",status=\"")
                    .append(parts[1]).append("\"} ").append(v.sum()).append('\n');
        });
        head(b, "nova_http_request_duration_seconds", "histogram",
                "Time from a request's arrival to the end of its answer, by endpoint (streams included).");
        new TreeMap<>(latency).forEach((endpoint, h) -> h.render(b, escape(endpoint)));
        head(b, "nova_generated_tokens_total", "counter", "Tokens (characters) generated, by model.");
        counters(b, "nova_generated_tokens_total", tokens);
        for (SampleFormat f : List.of(SampleFormat.IMAGES, SampleFormat.SOUNDS)) {
            String name = "nova_generated_" + f.plural() + "_total";
            head(b, name, "counter", Character.toUpperCase(f.plural().charAt(0)) + f.plural().substring(1)
                    + " generated, by model.");
            counters(b, name, files.get(f));
        }
        head(b, "nova_queue_depth", "gauge", "Requests admitted and waiting for a worker, by model.");
        for (ServedModel m : models) {
            gauge(b, "nova_queue_depth", m.id(), m.waiting());
        }
        head(b, "nova_workers_busy", "gauge", "Workers generating, by model.");
        for (ServedModel m : models) {
            gauge(b, "nova_workers_busy", m.id(), m.busy());
        }
        head(b, "nova_workers", "gauge", "Workers, by model.");
        for (ServedModel m : models) {
            gauge(b, "nova_workers", m.id(), m.workers());
        }
        if (models.stream().anyMatch(m -> m.batcher().isPresent())) {
            head(b, "nova_batch_sequences", "gauge", "Sequences generated together in the model's batch now, by"
                    + " model (models that batch).");
        }
        for (ServedModel m : models) {
            m.batcher().ifPresent(batcher -> gauge(b, "nova_batch_sequences", m.id(), batcher.active()));
        }
        return b.toString();
    }

    private static void head(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counters(StringBuilder b, String name, Map<String, LongAdder> byModel) {
        new TreeMap<>(byModel).forEach((model, v) -> gauge(b, name, model, v.sum()));
    }

    private static void gauge(StringBuilder b, String name, String model, long value) {
        b.append(name).append("{model=\"").append(escape(model)).append("\"} ").append(value).append('\n');
    }

    /** A label value as the format wants it: backslash, double quote and line feed escaped. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static final class Histogram {
        private final LongAdder[] counts = new LongAdder[BOUNDS.length + 1];
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            int i = 0;
            while (i < BOUNDS.length && seconds > BOUNDS[i]) {
                i++;
            }
            counts[i].increment();
            sum.add(seconds);
        }

        void render(StringBuilder b, String endpoint) {
            long cumulative = 0;
            for (int i = 0; i <= BOUNDS.length; i++) {
                cumulative += counts[i].sum();
                String le = i == BOUNDS.length ? "+Inf" : Double.toString(BOUNDS[i]);
                b.append("nova_http_request_duration_seconds_bucket{endpoint=\"").append(endpoint).append("\",le=\"")
                        .append(le).append("\"} ").append(cumulative).append('\n');
            }
            b.append("nova_http_request_duration_seconds_sum{endpoint=\"").append(endpoint).append("\"} ")
                    .append(sum.sum()).append('\n');
            b.append("nova_http_request_duration_seconds_count{endpoint=\"").append(endpoint).append("\"} ")
                    .append(cumulative).append('\n');
        }
    }
}

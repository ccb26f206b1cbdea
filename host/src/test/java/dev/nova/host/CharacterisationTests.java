package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nova.host.FixturePlugins.Spec;
import dev.nova.host.InProcess.Result;
import dev.nova.host.internal.cli.Cli;
import dev.nova.host.internal.support.Terminal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Nova answers and writes, pinned before the redesign moves the code that does it (issue 39): every endpoint of
 * {@code nova serve} over a text, an image and an audio fixture model (valid and invalid requests, plain and
 * streamed, with and without a token), and the files and output of {@code train}, {@code generate},
 * {@code evaluate} and {@code report} for each modality, compared with the stored answers in
 * {@code src/test/characterisation/}.
 *
 * <p>Only what cannot repeat is masked: the temporary folder, clock readings ({@code created}, time stamps, speeds)
 * and the random completion id. A difference fails the test and leaves the new answers in
 * {@code target/characterisation/} beside a line naming the first difference; copy them over the stored ones only
 * when the change was meant, and say so in the commit.
 */
class CharacterisationTests {

    private static final Path STORED = Path.of("src/test/characterisation");
    private static final Path ACTUAL = Path.of("target/characterisation");
    private static final List<String> MODALITIES = List.of("text", "image", "audio");

    @TempDir
    static Path dir;

    static Path plugins;

    /** What the three {@code nova train} commands printed. */
    static String trainLog;

    @BeforeAll
    static void trainOneRunPerModality() throws IOException {
        plugins = dir.resolve("plugins");
        for (String m : MODALITIES) {
            FixturePlugins.build(Spec.of("uni-" + m, "fixture.uni" + m).modality(m.toUpperCase(java.util.Locale.ROOT)),
                    plugins.resolve("uni-" + m + ".jar"));
        }
        StringBuilder log = new StringBuilder();
        for (String m : MODALITIES) {
            Path conf = Files.writeString(dir.resolve(m + ".conf"), "nova { plugin = uni-" + m
                    + ", train { steps = 20, eval-every = 10, log-every = 5, samples = 2 } }\n");
            command(log, "train", conf.toString(), "--plugin-path", plugins.toString(), "--run-dir", run(m).toString());
        }
        trainLog = log.toString();
    }

    private static Path run(String modality) {
        return dir.resolve("run-" + modality);
    }

    /** Runs a command in process and records it, its exit code and what it printed. */
    private static Result command(StringBuilder log, String... args) {
        Result r = InProcess.nova(args);
        log.append("### nova ").append(String.join(" ", args)).append("\nexit ").append(r.code()).append("\n--- out\n")
                .append(r.out()).append("--- err\n").append(r.err());
        return r;
    }

    /** The run folders' files: metrics.jsonl, config.conf and the samples of each evaluation (by their SHA-256). */
    private static void runFiles(StringBuilder log, String modality) throws IOException {
        Path root = run(modality);
        log.append("### run files of ").append(modality).append('\n');
        log.append("--- metrics.jsonl\n").append(Files.readString(root.resolve("metrics.jsonl")));
        try (Stream<Path> files = Files.walk(root.resolve("samples"))) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                log.append(root.relativize(f)).append(' ').append(sha256(Files.readAllBytes(f))).append('\n');
            }
        }
    }

    @Test
    void trainingGenerationEvaluationAndTheReportAreAsStored() throws IOException {
        StringBuilder log = new StringBuilder(trainLog);
        for (String m : MODALITIES) {
            runFiles(log, m);
        }
        String pp = plugins.toString();
        String text = run("text").toString();
        command(log, "generate", text, "--plugin-path", pp, "-n", "3", "--seed", "7", "--prompt", "ab", "--length", "24");
        command(log, "generate", text, "--plugin-path", pp, "--seed", "8", "--temperature", "0.5", "--length", "40");
        command(log, "generate", text, "--plugin-path", pp, "--temperature", "0");
        command(log, "evaluate", text, "--plugin-path", pp);
        command(log, "evaluate", text, "--plugin-path", pp, "--quality", "--samples", "4");
        command(log, "evaluate", text, "--plugin-path", pp, "--gates", "--gate", "held-out-loss < 100", "--gate",
                "distinct-1 > 2", "--samples", "4");
        command(log, "evaluate", text, "--plugin-path", pp, "--gates", "--gate", "fid < 3");

        Path out = dir.resolve("out");
        String image = run("image").toString();
        command(log, "generate", image, "--plugin-path", pp, "-n", "4", "--seed", "3", "--out",
                out.resolve("grid.png").toString(), "--each", out.resolve("images").toString());
        command(log, "generate", image, "--plugin-path", pp, "-n", "2", "--seed", "3", "--label", "1", "--out",
                out.resolve("high.png").toString());
        command(log, "generate", image, "--plugin-path", pp, "--label", "5", "--out", out.resolve("bad.png").toString());
        command(log, "evaluate", image, "--plugin-path", pp);

        String audio = run("audio").toString();
        command(log, "generate", audio, "--plugin-path", pp, "-n", "2", "--seed", "3", "--seconds", "0.05", "--out",
                out.resolve("sound.wav").toString(), "--each", out.resolve("sounds").toString());
        Path prompt = out.resolve("prompt.wav");
        Files.write(prompt, wav(1000, new short[] {0, 8000, 16000, 8000, 0, -8000, -16000, -8000}));
        command(log, "generate", audio, "--plugin-path", pp, "--seed", "4", "--label", "1", "--prompt-wav",
                prompt.toString(), "--out", out.resolve("continued.wav").toString());
        command(log, "generate", audio, "--plugin-path", pp, "--seconds", "0", "--out", out.resolve("bad.wav").toString());
        command(log, "generate", audio, "--plugin-path", pp, "--out", out.resolve("sound.png").toString());
        command(log, "generate", image, "--plugin-path", pp, "--out", out.resolve("grid.wav").toString());
        command(log, "evaluate", audio, "--plugin-path", pp);

        log.append("### files written\n");
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                log.append(out.relativize(f)).append(' ').append(sha256(Files.readAllBytes(f))).append('\n');
            }
        }
        Path report = out.resolve("report.html");
        command(log, "report", text, image, audio, "--out", report.toString());
        log.append("--- report.html\n").append(Files.readString(report));
        compare("commands.txt", log.toString());
    }

    @Test
    void everyEndpointAnswersAsStored() throws Exception {
        StringBuilder log = new StringBuilder();
        try (Server s = Server.start("text=" + run("text"), "image=" + run("image"), "audio=" + run("audio"),
                "--workers", "1", "--max-body", "2048")) {
            for (String[] r : REQUESTS) {
                log.append(s.exchange(r[0], r[1], r[2], r.length > 3 ? r[3] : "application/json", null));
            }
            log.append(s.exchange("POST", "/v1/completions", "{\"model\": \"text\", \"prompt\": \"" + "a".repeat(2100)
                    + "\"}", "application/json", null));
            log.append(s.exchange("GET", "/metrics", null, null, null));
        }
        try (Server s = Server.start("text=" + run("text"), "--token", "sesame")) {
            log.append(s.exchange("GET", "/v1/models", null, null, null));
            log.append(s.exchange("GET", "/v1/models", null, null, "Bearer open"));
            log.append(s.exchange("GET", "/metrics", null, null, "Basic sesame"));
            log.append(s.exchange("GET", "/v1/models/text", null, null, "Bearer sesame"));
            log.append(s.exchange("POST", "/v1/completions", "{\"prompt\": \"ba\", \"seed\": 2}", "application/json",
                    "bearer sesame"));
            log.append(s.exchange("GET", "/healthz", null, null, null));
            log.append(s.exchange("GET", "/metrics", null, null, "Bearer sesame"));
            log.append(s.exchange("GET", "/", null, null, null));
            log.append(s.exchange("GET", "/app.js", null, null, null));
            log.append(s.exchange("GET", "/style.css", null, null, null));
        }
        compare("serve.txt", log.toString());
    }

    /** Method, path, body (null for none) and, when not JSON, the Content-Type. */
    private static final List<String[]> REQUESTS = List.of(
            new String[] {"GET", "/healthz", null},
            new String[] {"GET", "/v1/models", null},
            new String[] {"GET", "/v1/models/image", null},
            new String[] {"GET", "/v1/models/nope", null},
            new String[] {"POST", "/v1/models", "{}"},
            new String[] {"GET", "/v1/nothing", null},
            new String[] {"GET", "/elsewhere", null},
            // completions, plain
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"prompt\": \"ab\", \"max_tokens\": 12,"
                    + " \"seed\": 7}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"prompt\": [\"ba\"], \"max_tokens\": 10,"
                    + " \"seed\": 7, \"temperature\": 0}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"prompt\": \"ab\", \"max_tokens\": 30,"
                    + " \"seed\": 9, \"n\": 2, \"echo\": true, \"temperature\": 0.8, \"top_k\": 5, \"top_p\": 0.9,"
                    + " \"stop\": [\"a\", \"zz\"], \"logprobs\": null, \"best_of\": 1, \"suffix\": \"\"}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"max_tokens\": 0, \"seed\": 1}"},
            // completions, streamed
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"prompt\": \"ab\", \"max_tokens\": 6,"
                    + " \"seed\": 7, \"stream\": true, \"n\": 2, \"stream_options\": {\"include_usage\": true}}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"prompt\": \"b\", \"max_tokens\": 20,"
                    + " \"seed\": 5, \"stream\": true, \"echo\": true, \"stop\": [\"e\"]}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"max_tokens\": 4, \"seed\": 5,"
                    + " \"stream\": true, \"temperature\": -1}"},
            // completions, refused
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"max_tokens\": -1}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"temperature\": NaN}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"temperature\": \"hot\"}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"n\": 1000}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"stop\": [\"\"]}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"stop\": [\"a\", 1]}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"logprobs\": 2}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"best_of\": 2}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"suffix\": \"x\"}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"top_p\": 0}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"seed\": 1.5}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"image\"}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"audio\"}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"nope\"}"},
            new String[] {"POST", "/v1/completions", "{\"prompt\": \"ab\"}"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\", \"model\": \"text\"}"},
            new String[] {"POST", "/v1/completions", "{\"model\": "},
            new String[] {"POST", "/v1/completions", "[1, 2]"},
            new String[] {"POST", "/v1/completions", "{\"model\": \"text\"}", "text/plain"},
            new String[] {"GET", "/v1/completions", null},
            // images
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"image\", \"n\": 2, \"seed\": 3}"},
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"image\", \"prompt\": \"High\", \"seed\": 3,"
                    + " \"response_format\": \"b64_json\"}"},
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"image\", \"prompt\": \"0\", \"seed\": 4}"},
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"image\", \"prompt\": \"purple\"}"},
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"image\", \"prompt\": \"7\"}"},
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"image\", \"response_format\": \"url\"}"},
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"text\"}"},
            new String[] {"POST", "/v1/images/generations", "{\"model\": \"image\", \"n\": 0}"},
            // Nova's generate: text
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"n\": 2, \"seed\": 5, \"options\":"
                    + " {\"prompt\": \"ba\", \"length\": 10, \"temperature\": 0.5}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"seed\": 6, \"stream\": true, \"options\":"
                    + " {\"prompt\": \"a\", \"length\": 5}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"seed\": 6}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"stream\": true, \"options\":"
                    + " {\"temperature\": 0}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"options\": {\"temperature\": 0}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"options\": {\"prompt\": 3}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"options\": {\"length\": -1}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"options\": {\"a\": {\"b\": 1}}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"options\": {\"a\": [1]}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"options\": {\"t\": Infinity}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"text\", \"options\": 5}"},
            // Nova's generate: images
            new String[] {"POST", "/v1/generate", "{\"model\": \"image\", \"n\": 3, \"seed\": 2}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"image\", \"n\": 2, \"seed\": 2, \"format\": \"png\","
                    + " \"options\": {\"label\": 1}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"image\", \"options\": {\"label\": 5}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"image\", \"format\": \"gif\"}"},
            // Nova's generate: audio
            new String[] {"POST", "/v1/generate", "{\"model\": \"audio\", \"n\": 2, \"seed\": 2, \"options\":"
                    + " {\"seconds\": 0.01, \"label\": 1}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"audio\", \"seed\": 2, \"format\": \"wav\", \"n\": 2}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"audio\", \"options\": {\"seconds\": 20}}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"audio\", \"format\": \"mp3\"}"},
            new String[] {"POST", "/v1/generate", "{\"model\": \"nope\"}"});

    /** A {@code nova serve} run in process: {@link Cli#run} in a thread, stopped by interrupting it. */
    private static final class Server implements AutoCloseable {
        private static final Pattern ADDRESS = Pattern.compile("at (http://[^ /]+)/");
        private final Thread thread;
        private final ByteArrayOutputStream out;
        private final ByteArrayOutputStream err;
        private final String url;
        private final int[] code = {-1};
        /** Requests sent but those of /metrics. */
        private long sent;

        private Server(Thread thread, ByteArrayOutputStream out, ByteArrayOutputStream err, String url) {
            this.thread = thread;
            this.out = out;
            this.err = err;
            this.url = url;
        }

        static Server start(String... args) throws InterruptedException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<String> all = new ArrayList<>(List.of("serve", "--port", "0", "--plugin-path", plugins.toString()));
            all.addAll(List.of(args));
            int[] code = {-1};
            Thread t = new Thread(() -> code[0] = Cli.run(new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false), all.toArray(String[]::new)), "serve");
            t.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() - end < 0) {
                Matcher m = ADDRESS.matcher(out.toString(StandardCharsets.UTF_8));
                if (m.find()) {
                    Server s = new Server(t, out, err, m.group(1));
                    s.code[0] = code[0];
                    return s;
                }
                if (!t.isAlive()) {
                    fail("nova serve ended with " + code[0] + ": " + err.toString(StandardCharsets.UTF_8));
                }
                Thread.sleep(20);
            }
            t.interrupt();
            throw new AssertionError("nova serve printed no address in 120 s: " + err.toString(StandardCharsets.UTF_8));
        }

        /** One request and its answer: status, headers but the date, and the body (binary ones by SHA-256). */
        String exchange(String method, String path, String body, String type, String authorization)
                throws IOException, InterruptedException {
            if (!path.equals("/metrics")) {
                sent++;
                return once(method, path, body, type, authorization);
            }
            // The server counts a request just after its answer is sent, so the request before this one may not be
            // counted yet: ask again (briefly) until every request sent is. The count of /metrics itself is left out.
            String answer = once(method, path, body, type, authorization);
            for (int i = 0; i < 100 && counted(answer) < sent && answer.contains("--- 200"); i++) {
                Thread.sleep(20);
                answer = once(method, path, body, type, authorization);
            }
            return answer;
        }

        /** The requests a metrics answer counts, but those of /metrics. */
        private static long counted(String answer) {
            return answer.lines().filter(l -> l.startsWith("nova_http_requests_total{") && !l.contains("\"/metrics\""))
                    .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
        }

        private String once(String method, String path, String body, String type, String authorization)
                throws IOException {
            HttpURLConnection c = (HttpURLConnection) new URL(url + path).openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(30_000);
            c.setReadTimeout(120_000);
            if (authorization != null) {
                c.setRequestProperty("Authorization", authorization);
            }
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", type);
                try (OutputStream o = c.getOutputStream()) {
                    o.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            byte[] answer;
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
            StringBuilder b = new StringBuilder("### ").append(method).append(' ').append(path);
            if (authorization != null) {
                b.append(" (Authorization: ").append(authorization).append(')');
            }
            b.append('\n');
            if (body != null) {
                b.append(body.length() > 200 ? body.substring(0, 200) + "... (" + body.length() + " characters)" : body)
                        .append('\n');
            }
            b.append("--- ").append(status).append('\n');
            Map<String, List<String>> headers = new TreeMap<>();
            c.getHeaderFields().forEach((k, v) -> {
                // The metrics' length counts digits of their durations.
                if (k != null && !k.equalsIgnoreCase("Date")
                        && !(path.equals("/metrics") && k.equalsIgnoreCase("Content-Length"))) {
                    headers.put(k.toLowerCase(java.util.Locale.ROOT), v);
                }
            });
            headers.forEach((k, v) -> b.append(k).append(": ").append(String.join(", ", v)).append('\n'));
            String contentType = String.valueOf(c.getContentType());
            if (contentType.startsWith("image/") || contentType.startsWith("audio/") || contentType.startsWith("text/html")
                    || contentType.startsWith("text/css") || contentType.startsWith("text/javascript")) {
                b.append("body ").append(answer.length).append(" bytes, sha256 ").append(sha256(answer)).append('\n');
            } else if (path.equals("/metrics")) {
                // Durations are clock readings; the counters are not.
                new String(answer, StandardCharsets.UTF_8).lines().filter(l -> !l.contains("_duration_seconds")
                        && !l.startsWith("nova_http_requests_total{endpoint=\"/metrics\""))
                        .forEach(l -> b.append(l).append('\n'));
            } else {
                b.append(new String(answer, StandardCharsets.UTF_8)).append('\n');
            }
            return b.toString();
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(60_000);
            assertTrue(!thread.isAlive(), "nova serve stopped within 60 s of its interruption");
            String stderr = err.toString(StandardCharsets.UTF_8);
            assertTrue(stderr.contains("nova: serve: stopped"), stderr);
        }
    }

    /**
     * Masks what cannot repeat: the temporary folder, clock readings (times, speeds), random ids, and what the report
     * shows of the machine and of the fixture jars (whose zip entries carry the time they were built).
     */
    static String normalise(String s) {
        String d = dir.toAbsolutePath().toString();
        return s.replace(d, "$DIR")
                .replaceAll("\"created\": ?\\d+", "\"created\":0")
                .replaceAll("cmpl-[0-9a-f]{24}", "cmpl-ID")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "TIME")
                .replaceAll("\"(items_per_s|elapsed_s|model_flops_per_s)\":[-0-9.Ee]+", "\"$1\":T")
                .replaceAll("\\| [0-9.]+k? items/s \\| eta [^\n]*", "| T items/s | eta T")
                .replaceAll("(sample quality: [^\n]*, seed \\d+), [0-9.]+ s", "$1, T s")
                .replaceAll("(?m)^<figure class=\"chart\"><svg [^\n]*<title>Throughput</title>[^\n]*$",
                        "<svg>(throughput: clock readings)</svg>")
                .replaceAll("(<div class=\"k\">steps</div><div class=\"v\">\\d+</div><div class=\"d\">)in [^<]*", "$1in T")
                .replaceAll("<td>(\\d+ s|\\d+ min \\d+ s|\\d+ h \\d+ min)</td>", "<td>T</td>")
                .replaceAll("<td>(java|os|plugin-sha256|entry\\.config\\.conf\\.sha256|entry\\.config\\.conf\\.size)"
                        + "</td><td>[^<]*</td>", "<td>$1</td><td>MASKED</td>");
    }

    /** Compares with the stored answers; on a difference, leaves the new ones in target/characterisation. */
    private static void compare(String name, String actualText) throws IOException {
        String actual = normalise(actualText);
        Files.createDirectories(ACTUAL);
        Files.writeString(ACTUAL.resolve(name), actual);
        Path stored = STORED.resolve(name);
        if (!Files.exists(stored)) {
            fail("no stored answers " + stored + "; the new ones are in " + ACTUAL.resolve(name)
                    + ": read them, and copy them there if they are right");
        }
        String expected = Files.readString(stored);
        if (!expected.equals(actual)) {
            String[] e = expected.split("\n", -1);
            String[] a = actual.split("\n", -1);
            int i = 0;
            while (i < Math.min(e.length, a.length) && e[i].equals(a[i])) {
                i++;
            }
            String context = "";
            for (int k = i; k >= 0; k--) {
                if (k < e.length && e[k].startsWith("### ")) {
                    context = e[k];
                    break;
                }
            }
            assertEquals(i < e.length ? e[i] : "(end)", i < a.length ? a[i] : "(end)", name + " differs at line "
                    + (i + 1) + " (under '" + context + "'); all new answers: " + ACTUAL.resolve(name));
            fail(name + " differs from " + stored + "; new answers: " + ACTUAL.resolve(name));
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A mono 16-bit PCM WAV file, written by hand so that the reader under test is not also the writer. */
    private static byte[] wav(int rate, short[] samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples.length)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples.length);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }
}

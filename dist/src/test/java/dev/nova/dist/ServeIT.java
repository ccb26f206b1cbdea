package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nova serve} as a client sees it, over real HTTP on loopback: OpenAI's completions (plain and streamed) give
 * what {@code nova generate} prints for the same prompt, length and seed; images decode; every bad request is a 4xx
 * JSON error naming its field; a full queue answers 429; a client that hangs up frees its worker; the token is
 * required; SIGTERM lets a stream in flight finish.
 */
class ServeIT {

    @TempDir
    static Path dir;
    static Path text;
    static Path image;

    @BeforeAll
    static void train() throws Exception {
        text = dir.resolve("poems");
        LauncherIT.Run t = LauncherIT.novaIn(dir, "train", Path.of("../conf/text-gru-quickstart.conf").toAbsolutePath().toString(), "--run-dir",
                text.toString(), "--set", "nova.train.steps=20", "--set", "nova.train.eval-every=20", "--set",
                "nova.train.samples=0");
        assertEquals(0, t.code(), t.err());
        image = dir.resolve("shapes");
        LauncherIT.Run i = LauncherIT.novaIn(dir, "train", "--plugin", "image-gru", "--run-dir", image.toString(),
                "--set", "plugins.image-gru.data.path=builtin:shapes", "--set", "plugins.image-gru.data.image-size=10",
                "--set", "nova.train.steps=10", "--set", "nova.train.eval-every=10", "--set", "nova.train.samples=0",
                "--set", "plugins.image-gru.model.hidden=16", "--set", "plugins.image-gru.eval.images=40");
        assertEquals(0, i.code(), i.err());
    }

    static Map<String, Object> json(String body) throws Exception {
        return JSON.std.mapFrom(body);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object o, Object... path) {
        for (Object p : path) {
            o = p instanceof Integer i ? ((List<Object>) o).get(i) : ((Map<String, Object>) o).get(p);
        }
        return (T) o;
    }

    private static String generated(String prompt, int length, long seed) throws Exception {
        LauncherIT.Run g = LauncherIT.novaIn(dir, "generate", text.toString(), "--prompt", prompt, "--length",
                Integer.toString(length), "--seed", Long.toString(seed));
        assertEquals(0, g.code(), g.err());
        return g.out().substring(0, g.out().length() - 1);           // the newline nova generate ends a sample with
    }

    @Test
    void completionsPlainAndStreamedAreWhatNovaGeneratePrints() throws Exception {
        String expected = generated("And God said", 60, 7).substring("And God said".length());
        try (Served s = Served.start(dir, "poems=" + text, "shapes=" + image)) {
            Map<String, Object> models = json(s.get("/v1/models").body());
            assertEquals(List.of("poems", "shapes"), ((List<Map<String, Object>>) at(models, "data")).stream()
                    .map(m -> m.get("id")).toList());
            assertEquals("text-gru", at(models, "data", 0, "nova", "plugin"));
            assertEquals(List.of("disc", "ring", "square", "cross"), at(models, "data", 1, "nova", "classes"));

            HttpResponse<String> r = s.post("/v1/completions", """
                    {"model": "poems", "prompt": "And God said", "max_tokens": 60, "seed": 7, "n": 2}""");
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> c = json(r.body());
            assertEquals(expected, at(c, "choices", 0, "text"));
            assertEquals("length", at(c, "choices", 0, "finish_reason"));
            assertEquals(60, ((String) at(c, "choices", 1, "text")).length());
            assertEquals(12, ((Number) at(c, "usage", "prompt_tokens")).intValue());
            assertEquals(120, ((Number) at(c, "usage", "completion_tokens")).intValue());

            StringBuilder streamed = new StringBuilder();
            String finish = null;
            try (Served.Stream st = s.stream("/v1/completions", """
                    {"model": "poems", "prompt": "And God said", "max_tokens": 60, "seed": 7, "stream": true}""")) {
                for (String data; !(data = st.next()).equals("[DONE]"); ) {
                    Map<String, Object> chunk = json(data);
                    streamed.append((String) at(chunk, "choices", 0, "text"));
                    finish = at(chunk, "choices", 0, "finish_reason");
                }
            }
            assertEquals(expected, streamed.toString());
            assertEquals("length", finish);

            // A stop sequence ends the text before it.
            String stop = expected.substring(20, 22);
            Map<String, Object> stopped = json(s.post("/v1/completions", "{\"model\": \"poems\", \"prompt\": \"And God"
                    + " said\", \"max_tokens\": 60, \"seed\": 7, \"stop\": " + JSON.std.asString(stop) + "}").body());
            assertEquals(expected.substring(0, expected.indexOf(stop)), at(stopped, "choices", 0, "text"));
            assertEquals("stop", at(stopped, "choices", 0, "finish_reason"));

            // Nova's own endpoint takes the plugin's options by their names.
            Map<String, Object> own = json(s.post("/v1/generate", """
                    {"model": "poems", "seed": 7, "options": {"prompt": "And God said", "length": 60}}""").body());
            assertEquals("And God said" + expected, at(own, "samples", 0, "text"));

            String metrics = s.get("/metrics").body();
            assertTrue(metrics.contains("nova_http_requests_total{endpoint=\"/v1/completions\",status=\"200\"} 3"),
                    metrics);
            assertTrue(metrics.contains("nova_generated_tokens_total{model=\"poems\"} " + (120 + 60 + stopped.toString()
                    .length() * 0 + ((String) at(stopped, "choices", 0, "text")).length() + 60)), metrics);
            assertTrue(metrics.contains("nova_http_request_duration_seconds_count{endpoint=\"/v1/completions\"} 3"),
                    metrics);
            assertTrue(metrics.contains("nova_queue_depth{model=\"poems\"} 0"), metrics);
        }
    }

    @Test
    void imagesAreClassConditionalPngs() throws Exception {
        try (Served s = Served.start(dir, "shapes=" + image)) {
            HttpResponse<String> r = s.post("/v1/images/generations", """
                    {"model": "shapes", "prompt": "ring", "n": 3, "response_format": "b64_json", "seed": 1}""");
            assertEquals(200, r.statusCode(), r.body());
            List<Map<String, Object>> data = at(json(r.body()), "data");
            assertEquals(3, data.size());
            for (Map<String, Object> d : data) {
                BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) d.get(
                        "b64_json"))));
                assertEquals(10, png.getWidth());
                assertEquals(10, png.getHeight());
            }
            assertEquals(r.body().replaceAll("\"created\":\\d+", ""), s.post("/v1/images/generations", """
                    {"model": "shapes", "prompt": "ring", "n": 3, "seed": 1}""").body()
                    .replaceAll("\"created\":\\d+", ""), "same seed, same images");
            HttpResponse<byte[]> grid = s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url
                    + "v1/generate")).header("Content-Type", "application/json").POST(java.net.http.HttpRequest
                    .BodyPublishers.ofString("{\"n\": 4, \"format\": \"png\", \"options\": {\"label\": 2}}")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, grid.statusCode());
            assertEquals("image/png", grid.headers().firstValue("Content-Type").orElseThrow());
            assertNotNull(ImageIO.read(new ByteArrayInputStream(grid.body())));
            assertTrue(s.get("/metrics").body().contains("nova_generated_images_total{model=\"shapes\"} 10"));
        }
    }

    @Test
    void badRequestsAreJsonErrorsNamingTheField() throws Exception {
        try (Served s = Served.start(dir, "--max-body", "2048", "poems=" + text, "shapes=" + image)) {
            record Bad(String path, String body, int status, String param) { }
            List<Bad> cases = List.of(
                    new Bad("/v1/completions", "{\"model\": \"nope\", \"prompt\": \"a\"}", 404, "model"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": -1}", 400, "max_tokens"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"temperature\": NaN}", 400, "temperature"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"temperature\": \"hot\"}", 400, "temperature"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"n\": 1000}", 400, "n"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"stop\": [\"\"]}", 400, "stop"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"logprobs\": 5, \"stream\": true}", 400,
                            "logprobs"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"logprobs\": 21}", 400, "logprobs"),
                    new Bad("/v1/completions", "{\"model\": \"shapes\"}", 400, "model"),
                    new Bad("/v1/completions", "{\"model\": \"poems\", \"prompt\": \"" + "x".repeat(3000) + "\"}", 413,
                            null),
                    new Bad("/v1/completions", "{\"model\": \"poems\",", 400, null),
                    new Bad("/v1/completions", "[1, 2]", 400, null),
                    new Bad("/v1/images/generations", "{\"model\": \"shapes\", \"prompt\": \"cat\"}", 400, "prompt"),
                    new Bad("/v1/images/generations", "{\"model\": \"shapes\", \"response_format\": \"url\"}", 400,
                            "response_format"),
                    new Bad("/v1/generate", "{\"model\": \"poems\", \"options\": {\"temperature\": -1}}", 400,
                            "options.temperature"),
                    new Bad("/v1/generate", "{\"model\": \"poems\", \"options\": {\"no-such-option\": 1}}", 400,
                            "options.no-such-option"),
                    new Bad("/v1/nothing", "{}", 404, null));
            for (Bad b : cases) {
                HttpResponse<String> r = s.post(b.path, b.body);
                assertEquals(b.status, r.statusCode(), b + " -> " + r.body());
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow(), b.toString());
                Map<String, Object> e = at(json(r.body()), "error");
                assertEquals(b.param, e.get("param"), b + " -> " + r.body());
                String message = (String) e.get("message");
                assertFalse(message.isBlank() || message.contains("\n") || message.contains("Exception")
                        || message.contains("\tat "), "one line, no stack trace: " + message);
                if (b.param != null) {
                    assertTrue(message.contains(b.param.replace("options.", "")), message);
                }
            }
            HttpResponse<String> form = s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url
                    + "v1/completions")).header("Content-Type", "text/plain").POST(java.net.http.HttpRequest
                    .BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(415, form.statusCode());
            assertEquals("Content-Type", at(json(form.body()), "error", "param"));
            assertEquals(405, s.get("/v1/completions").statusCode());
            assertTrue(s.get("/healthz").body().contains("\"ok\""));
        }
    }

    @Test
    void theTokenIsRequiredWhereGivenAndNeededOffLoopback() throws Exception {
        try (Served s = Served.start(dir, "--token", "s3cret", "poems=" + text)) {
            HttpResponse<String> none = s.get("/v1/models");
            assertEquals(401, none.statusCode());
            assertEquals("Authorization", at(json(none.body()), "error", "param"));
            assertEquals(401, s.get("/v1/models", "Authorization", "Bearer wrong").statusCode());
            assertEquals(401, s.get("/metrics", "Authorization", "Bearer s3cre").statusCode());
            assertEquals(200, s.get("/v1/models", "Authorization", "Bearer s3cret").statusCode());
            assertEquals(200, s.get("/healthz").statusCode(), "health checks need no token");
            assertEquals(200, s.get("/").statusCode(), "the page loads and asks for the token");
        }
        LauncherIT.Run open = LauncherIT.novaIn(dir, "serve", "--host", "0.0.0.0", "--port", "0", text.toString());
        assertEquals(2, open.code(), open.err());
        assertTrue(open.err().contains("--host 0.0.0.0 is not a loopback address") && open.err().contains("--token"),
                open.err());
    }

    /** DNS rebinding: a page of another site that re-resolves to 127.0.0.1 must not drive a loopback server. */
    @Test
    void aPageOfAnotherSiteCannotUseALoopbackServerUnlessAllowed() throws Exception {
        try (Served s = Served.start(dir, "poems=" + text)) {
            String rebound = s.raw("GET", "/v1/models", "Host", "evil.example:" + s.port);
            assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
            assertTrue(rebound.contains("\"param\":\"Host\"") && rebound.contains("--allow-host evil.example"), rebound);
            String post = s.raw("POST", "/v1/completions", "Host", "127.0.0.1:" + s.port, "Origin",
                    "http://evil.example");
            assertTrue(post.startsWith("HTTP/1.1 403") && post.contains("\"param\":\"Origin\""), post);
            assertFalse(post.contains("Access-Control-Allow-Origin"), post);
            String preflight = s.raw("OPTIONS", "/v1/completions", "Host", "localhost:" + s.port, "Origin",
                    "http://evil.example");
            assertTrue(preflight.startsWith("HTTP/1.1 403"), preflight);
            for (String host : List.of("localhost:" + s.port, "127.0.0.1", "[::1]:" + s.port, "app.localhost")) {
                String ok = s.raw("GET", "/v1/models", "Host", host);
                assertTrue(ok.startsWith("HTTP/1.1 200"), host + ": " + ok);
            }
            String page = s.raw("GET", "/v1/models", "Host", "localhost:" + s.port, "Origin", "http://localhost:"
                    + s.port);
            assertTrue(page.startsWith("HTTP/1.1 200"), "the server's own page: " + page);
        }
        try (Served s = Served.start(dir, "--allow-host", "nova.lan", "--allow-origin", "https://app.example",
                "poems=" + text)) {
            assertTrue(s.raw("GET", "/v1/models", "Host", "nova.lan:" + s.port).startsWith("HTTP/1.1 200"));
            String cors = s.raw("GET", "/v1/models", "Host", "nova.lan", "Origin", "https://app.example");
            assertTrue(cors.startsWith("HTTP/1.1 200") && cors.contains("Access-control-allow-origin: https://app.example"),
                    cors);
            String preflight = s.raw("OPTIONS", "/v1/completions", "Host", "nova.lan", "Origin", "https://app.example");
            assertTrue(preflight.startsWith("HTTP/1.1 204") && preflight.contains("Access-control-allow-headers:"
                    + " Authorization, Content-Type"), preflight);
            assertTrue(s.raw("GET", "/v1/models", "Host", "other.lan").startsWith("HTTP/1.1 403"));
        }
        LauncherIT.Run empty = LauncherIT.novaIn(dir, "serve", "--token", "", "--port", "0", text.toString());
        assertEquals(2, empty.code(), empty.err());
        assertTrue(empty.err().startsWith("nova: --token (or NOVA_SERVE_TOKEN) is empty"), empty.err());
    }

    /**
     * Clients that send their requests a byte a second do not starve the server (issue 42, 3): 60 of them held every
     * thread and an authorised completion had no answer in 40 s. Now a completion is answered while they still drip,
     * and each is disconnected once it has taken more than 10 s to send its request. Loopback only, 60 connections,
     * bounded in time.
     */
    @Test
    void slowClientsDoNotStarveACompletion() throws Exception {
        try (Served s = Served.start(dir, "poems=" + text)) {
            List<java.net.Socket> slow = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 60; i++) {
                    java.net.Socket c = new java.net.Socket("127.0.0.1", s.port);
                    c.getOutputStream().write('G');
                    slow.add(c);
                }
                java.util.concurrent.atomic.AtomicBoolean dripping = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread drip = new Thread(() -> {
                    byte[] line = "ET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    for (int k = 0; dripping.get() && k < 90; k++) {
                        for (java.net.Socket c : slow) {
                            try {
                                c.getOutputStream().write(k < line.length ? line[k] : 'x');
                            } catch (java.io.IOException closedByTheServer) {
                                // expected after 10 s
                            }
                        }
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "slow-clients");
                drip.setDaemon(true);
                drip.start();
                Thread.sleep(1500);
                HttpResponse<String> r = s.post("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": 5, \"seed\": 1}");
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(drip.isAlive(), "answered while the slow clients were still sending");
                // Each slow client is disconnected once its request has taken more than 10 s (bounded: 60 s).
                java.net.Socket first = slow.get(0);
                first.setSoTimeout(60_000);
                int got;
                try {
                    got = first.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    got = -1;                                           // closed while it was still writing
                }
                assertEquals(-1, got, "a slow client is closed, not answered");
                dripping.set(false);
            } finally {
                for (java.net.Socket c : slow) {
                    c.close();
                }
            }
        }
    }

    /**
     * Concurrent completions are generated together in the model's batch (issue 45): streamed and plain, with a prompt
     * and without, one choice and two, started together so that they join the batch at different steps; each choice is
     * still what {@code nova generate --seed} prints for its seed.
     */
    @Test
    void concurrentCompletionsAreGeneratedTogetherEachAsItWouldBeAlone() throws Exception {
        record Ask(String prompt, int length, long seed, int n, boolean stream) {
        }
        List<Ask> asks = List.of(new Ask("And God said", 80, 11, 1, true), new Ask("", 50, 12, 2, false),
                new Ask("The", 120, 13, 1, true), new Ask("In the beginning", 30, 14, 2, true),
                new Ask("Let", 90, 15, 1, false), new Ask("And", 70, 16, 1, true));
        try (Served s = Served.start(dir, "--batch", "4", "--max-tokens", "1000", "poems=" + text)) {
            assertTrue(s.stderr().contains("generates up to 4 requests together"), s.stderr());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(asks.size());
            try {
                List<java.util.concurrent.Future<List<String>>> answers = new java.util.ArrayList<>();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                for (Ask a : asks) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        String body = "{\"model\": \"poems\", \"prompt\": " + JSON.std.asString(a.prompt())
                                + ", \"max_tokens\": " + a.length() + ", \"seed\": " + a.seed() + ", \"n\": " + a.n()
                                + ", \"stream\": " + a.stream() + "}";
                        List<StringBuilder> texts = new java.util.ArrayList<>();
                        for (int i = 0; i < a.n(); i++) {
                            texts.add(new StringBuilder());
                        }
                        if (a.stream()) {
                            try (Served.Stream st = s.stream("/v1/completions", body)) {
                                for (String data; !(data = st.next()).equals("[DONE]"); ) {
                                    Map<String, Object> chunk = json(data);
                                    int i = ((Number) at(chunk, "choices", 0, "index")).intValue();
                                    texts.get(i).append((String) at(chunk, "choices", 0, "text"));
                                }
                            }
                        } else {
                            HttpResponse<String> r = s.post("/v1/completions", body);
                            assertEquals(200, r.statusCode(), r.body());
                            for (int i = 0; i < a.n(); i++) {
                                texts.get(i).append((String) at(json(r.body()), "choices", i, "text"));
                            }
                        }
                        return texts.stream().map(StringBuilder::toString).toList();
                    }));
                }
                go.countDown();
                for (int k = 0; k < asks.size(); k++) {
                    Ask a = asks.get(k);
                    List<String> got = answers.get(k).get(180, TimeUnit.SECONDS);
                    for (int i = 0; i < a.n(); i++) {
                        String alone = generated(a.prompt(), a.length(), a.seed() + i);
                        assertEquals(alone.substring(a.prompt().length()), got.get(i), "request " + k + ", choice " + i);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(s.get("/metrics").body().contains("nova_batch_sequences{model=\"poems\"} 0"));
        }
    }

    /** A batch full of streams answers 429 beyond it; a client that hangs up leaves the batch at once. */
    @Test
    void aFullBatchAnswers429AndAClientThatHangsUpLeavesIt() throws Exception {
        try (Served s = Served.start(dir, "--batch", "2", "--queue", "0", "--max-tokens", "10000000",
                "poems=" + text)) {
            Served.Stream long1 = s.stream("/v1/completions",
                    "{\"model\": \"poems\", \"max_tokens\": 10000000, \"stream\": true, \"seed\": 1}");
            assertNotNull(long1.next(), "the first stream started");
            try (Served.Stream long2 = s.stream("/v1/completions",
                    "{\"model\": \"poems\", \"max_tokens\": 10000000, \"stream\": true, \"seed\": 2}")) {
                assertNotNull(long2.next(), "the second stream started");
                HttpResponse<String> busy = s.post("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": 5}");
                assertEquals(429, busy.statusCode(), busy.body());
                assertTrue(busy.body().contains("model 'poems' is busy: the 2 requests of its batch are taken; retry"
                        + " later"), busy.body());
                assertTrue(s.get("/metrics").body().contains("nova_batch_sequences{model=\"poems\"} 2"));
                long1.close();                                          // the client goes away mid-stream
                int status = 429;
                for (int i = 0; i < 600 && status == 429; i++) {
                    Thread.sleep(100);
                    status = s.post("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": 5}").statusCode();
                }
                assertEquals(200, status, "the batch had room once the first client went away");
                assertNotNull(long2.next(), "the other stream goes on");
            }
        }
    }

    @Test
    void aFullQueueAnswers429AndAClientThatHangsUpFreesItsWorker() throws Exception {
        try (Served s = Served.start(dir, "--workers", "1", "--queue", "0", "--batch", "1", "--max-tokens", "10000000",
                "poems=" + text)) {
            Served.Stream long1 = s.stream("/v1/completions",
                    "{\"model\": \"poems\", \"max_tokens\": 10000000, \"stream\": true, \"seed\": 1}");
            assertNotNull(long1.next(), "the stream started");
            HttpResponse<String> busy = s.post("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": 5}");
            assertEquals(429, busy.statusCode(), busy.body());
            assertEquals("1", busy.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(busy.body().contains("model 'poems' is busy: its worker is taken; retry later"), busy.body());
            long1.close();                                              // the client goes away mid-stream
            // Ten million characters take minutes; the worker is back as soon as the next character finds the client
            // gone. Polled, bounded: a request is refused (429) only while the worker is still held.
            int status = 429;
            for (int i = 0; i < 600 && status == 429; i++) {
                Thread.sleep(100);
                status = s.post("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": 5}").statusCode();
            }
            assertEquals(200, status, "the worker was freed when its client went away");
            assertTrue(s.get("/metrics").body().contains("nova_workers_busy{model=\"poems\"} 0"));
        }
    }

    @Test
    void sigtermLetsAStreamInFlightFinishAndRefusesNewRequestsMeanwhile() throws Exception {
        Served s = Served.start(dir, "--grace", "170", "--max-tokens", "1000000", "poems=" + text);
        try (s; Served.Stream st = s.stream("/v1/completions",
                "{\"model\": \"poems\", \"max_tokens\": 30000, \"stream\": true, \"seed\": 3}")) {
            assertNotNull(st.next());
            s.process.destroy();                                        // SIGTERM while it streams
            int health = 200;
            for (int i = 0; i < 600 && health == 200; i++) {             // the signal arrives asynchronously
                health = s.get("/healthz").statusCode();
            }
            assertEquals(503, health, "stopping shows in the health check");
            HttpResponse<String> refused = s.post("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": 5}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            int chars = 0;
            String last = null;
            for (String data; (data = st.next()) != null; last = data) {
                if (!data.equals("[DONE]")) {
                    String t = at(json(data), "choices", 0, "text");
                    chars += t.length();
                }
            }
            assertEquals("[DONE]", last, "the stream in flight finished");
            assertTrue(chars >= 29_000, "the whole stream arrived: " + chars);
            assertTrue(s.process.waitFor(120, TimeUnit.SECONDS));
            // The stream, and any health check the poll above still had open when the signal came.
            assertTrue(s.stderr().matches("(?s).*nova: serve: stopping; [12] requests? in flight may take up to 170 s.*"),
                    s.stderr());
            assertThrows(java.io.IOException.class, () -> s.get("/healthz"), "no one listens once it stopped");
        }
    }
}

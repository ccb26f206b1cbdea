package dev.nova.attention;

import java.util.List;
import dev.nova.kit.nn.Flops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.TrainingRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin through its provider, on tiny corpora. */
class AttentionModelTests {

    @TempDir
    Path dir;

    private final AttentionProvider provider = new AttentionProvider();

    private ModelContext context() throws Exception {
        return ModelContext.of(5, Files.createDirectories(dir.resolve("work")), dir);
    }

    private Config config(String text, String extra) throws Exception {
        Files.writeString(dir.resolve("corpus.txt"), text, StandardCharsets.UTF_8);
        return ConfigFactory.parseString("""
                data { path = "corpus.txt", holdout = 0.2 }
                model { layers = 2, heads = 2, d-model = 32, context = 16 }
                train { batch = 8, learning-rate = 3e-3 }
                eval { windows = 32, batch = 16 }
                """ + extra);
    }

    @Test
    void theHeldOutLossFallsAndGreedySamplesFollowTheText() throws Exception {
        GenerativeModel m = provider.create(config("abcdefgh ".repeat(300), ""), context());
        double before = m.evaluate(EvaluationRequest.heldOut(1)).get("loss");
        m.train(TrainingRequest.of(150), e -> { });
        double after = m.evaluate(EvaluationRequest.heldOut(1)).get("loss");
        assertTrue(after < 0.2 * before, "held-out loss " + before + " -> " + after);
        String text = ((Sample.Text) m.generate(GenerationRequest.of(1, 1).with("prompt", "abc").with("length", 40)
                .with("greedy", true)).get(0)).text();
        assertTrue(text.startsWith("abcdefgh abcdefgh abcdefgh"), text);
    }

    @Test
    void chineseTextTrainsAndSamplesOnlyItsCharacters() throws Exception {
        String text = "天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。寒来暑往，秋收冬藏。".repeat(40);
        GenerativeModel m = provider.create(config(text, ""), context());
        m.train(TrainingRequest.of(60), e -> { });
        String sample = ((Sample.Text) m.generate(GenerationRequest.of(1, 2).with("prompt", "天地").with("length", 30))
                .get(0)).text();
        assertEquals(32, sample.codePointCount(0, sample.length()));
        assertTrue(sample.codePoints().allMatch(cp -> text.indexOf(cp) >= 0), sample);
        PluginException e = assertThrows(PluginException.class,
                () -> m.generate(GenerationRequest.of(1, 1).with("prompt", "山")));
        assertTrue(e.getMessage().contains("U+5C71"), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"data.tokenizer = chars",
            "data.tokenizer = bpe, tokenizer.vocab-size = 280"})
    void resumeIsExact(String tokenizer) throws Exception {
        Config c = config("the quick brown fox jumps over the lazy dog. ".repeat(50), "model.dropout = 0.1, " + tokenizer);
        GenerativeModel straight = provider.create(c, context());
        straight.train(TrainingRequest.of(20), e -> { });
        GenerativeModel first = provider.create(c, context());
        first.train(TrainingRequest.of(8), e -> { });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.save(bytes);
        GenerativeModel resumed = provider.restore(c, context(), new ByteArrayInputStream(bytes.toByteArray()));
        resumed.train(TrainingRequest.of(12), e -> { });
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        straight.save(a);
        resumed.save(b);
        assertArrayEquals(a.toByteArray(), b.toByteArray(), "20 steps straight and 8 + 12 resumed are the same model");
        GenerationRequest sample = GenerationRequest.of(1, 3).with("prompt", "the quick").with("length", 8);
        String text = ((Sample.Text) resumed.generate(sample).get(0)).text();
        assertEquals(text, ((Sample.Text) straight.generate(sample).get(0)).text());
        assertTrue(text.startsWith("the quick") && text.length() > "the quick".length(), text);
    }

    @Test
    void aPromptLongerThanTheContextSlidesThroughIt() throws Exception {
        GenerativeModel m = provider.create(config("abcdefgh ".repeat(100), ""), context());
        String prompt = "abcdefgh ".repeat(5);
        String text = ((Sample.Text) m.generate(GenerationRequest.of(1, 1).with("prompt", prompt).with("length", 10))
                .get(0)).text();
        assertTrue(text.startsWith(prompt) && text.length() == prompt.length() + 10, text);
    }

    @Test
    void settingsAreCheckedTogether() throws Exception {
        var problems = provider.validate(ConfigFactory.parseString("model { d-model = 30, heads = 4 }"));
        assertTrue(problems.stream().anyMatch(p -> p.path().equals("model.d-model") && p.message().contains("multiple")),
                problems.toString());
    }

    /** {@code eval.batch = 0} evaluates in training-sized passes: the same loss as any other grouping of windows. */
    @Test
    void anEvaluationBatchOfZeroIsTheTrainingBatch() throws Exception {
        String text = "abcdefgh ".repeat(300);
        double own = provider.create(config(text, "eval.batch = 0"), context()).evaluate(EvaluationRequest.heldOut(1))
                .get("loss");
        double five = provider.create(config(text, "eval.batch = 5"), context()).evaluate(EvaluationRequest.heldOut(1))
                .get("loss");
        assertEquals(five, own, 1e-6);
        var problems = provider.validate(ConfigFactory.parseString("eval.batch = -1"));
        assertTrue(problems.stream().anyMatch(p -> p.path().equals("eval.batch")), problems.toString());
    }

    @Test
    void theDeclaredModelFlopsAreTheFlopsAStepRuns() throws Exception {
        // A context of 40 is two causal blocks, one of them partial; the head tied and untied.
        for (String tie : List.of("true", "false")) {
            Flops.StepCount count = Flops.countStep(provider.create(config("the quick brown fox. ".repeat(60),
                    "model { context = 40, tie-weights = " + tie + " }"), context()));
            assertTrue(count.ran() > 0);
            assertEquals(count.ran(), count.declared(), 0.0, "model FLOPs of one step, tie-weights = " + tie);
        }
        // Fine-tuning the upper block: the backward pass stops above the frozen embeddings and lower block, and the
        // optimiser updates the rest; the declared FLOPs follow.
        for (String tie : List.of("true", "false")) {
            var model = provider.create(config("the quick brown fox. ".repeat(60),
                    "model { context = 40, layers = 2, tie-weights = " + tie + " }"), context());
            var tuning = model.tuning().orElseThrow();
            tuning.freeze(tuning.parameters().stream().map(p -> p.name())
                    .filter(n -> n.endsWith("-embedding") || n.startsWith("block.0.")).toList());
            Flops.StepCount count = Flops.countStep(model);
            assertTrue(count.ran() > 0);
            assertEquals(count.ran(), count.declared(), 0.0, "model FLOPs of one fine-tuning step, tie-weights = " + tie);
        }
    }
}

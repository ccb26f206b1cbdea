package dev.nova.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.OpenWeights;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.TrainingRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's open-weights capability on the tiny GPT-2 of {@code src/test/resources/gpt2-tiny}. */
class OpenWeightsTests {

    private static final Path TINY = Path.of("src", "test", "resources", "gpt2-tiny").toAbsolutePath();

    @TempDir
    Path dir;

    private final AttentionProvider provider = new AttentionProvider();

    private ModelContext context() throws Exception {
        return ModelContext.of(3, Files.createDirectories(dir.resolve("work")), dir);
    }

    @Test
    void aGpt2FolderBecomesAModelThatGeneratesSavesRestoresAndTrains() throws Exception {
        OpenWeights weights = provider.openWeights().orElseThrow();
        assertEquals(List.of("gpt2"), weights.families());
        Config settings = weights.settings("gpt2", TINY);
        assertEquals(List.of(2, 4, 32, 32, true, "gpt2", TINY.toString()), List.of(settings.getInt("model.layers"),
                settings.getInt("model.heads"), settings.getInt("model.d-model"), settings.getInt("model.context"),
                settings.getBoolean("model.tie-weights"), settings.getString("data.tokenizer"),
                settings.getString("tokenizer.path")));
        assertEquals(List.of("model.safetensors", "config.json", "vocab.json", "merges.txt"),
                weights.files("gpt2", TINY).stream().map(p -> p.getFileName().toString()).toList());
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. ".repeat(40));
        Config config = com.typesafe.config.ConfigFactory.parseString("""
                data { path = "corpus.txt", holdout = 0.2 }
                train { batch = 2, learning-rate = 1e-3 }
                eval { windows = 4, batch = 4 }
                """).withFallback(settings);
        GenerativeModel model = weights.create("gpt2", TINY, config, context());
        assertEquals(0, model.step());
        GenerationRequest greedy = GenerationRequest.of(1, 1).with("prompt", "the").with("length", 6)
                .with("greedy", true);
        String text = ((Sample.Text) model.generate(greedy).get(0)).text();
        assertTrue(text.startsWith("the"), text);
        double loss = model.evaluate(EvaluationRequest.heldOut(1)).get("loss");
        assertTrue(loss > Math.log(256) * 0.5 && loss < 20, "a random GPT-2's held-out loss " + loss);

        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        model.save(payload);
        GenerativeModel restored = provider.restore(config, context(), new ByteArrayInputStream(payload.toByteArray()));
        assertEquals(text, ((Sample.Text) restored.generate(greedy).get(0)).text(), "the payload holds the weights");
        model.train(TrainingRequest.of(3), e -> { });
        assertTrue(model.evaluate(EvaluationRequest.heldOut(1)).get("loss") < loss, "three steps on the text help");
    }

    @Test
    void aFolderWithoutItsFilesIsRefusedNamingTheFile() throws Exception {
        OpenWeights weights = provider.openWeights().orElseThrow();
        Files.copy(TINY.resolve("config.json"), dir.resolve("config.json"));
        PluginException e = assertThrows(PluginException.class, () -> weights.settings("gpt2", dir));
        assertTrue(e.getMessage().contains(dir.resolve("model.safetensors") + " not found"), e.getMessage());
    }
}

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

    private GenerativeModel imported(Path folder) throws Exception {
        OpenWeights weights = provider.openWeights().orElseThrow();
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. ".repeat(40));
        Config config = com.typesafe.config.ConfigFactory.parseString("data { path = \"corpus.txt\", holdout = 0.2 }")
                .withFallback(weights.settings("gpt2", folder));
        return weights.create("gpt2", folder, config, context());
    }

    @Test
    void importExportImportIsBitIdenticalAndTheGgufHoldsLlamaCppsLayout() throws Exception {
        OpenWeights weights = provider.openWeights().orElseThrow();
        assertEquals(List.of(OpenWeights.Format.SAFETENSORS, OpenWeights.Format.GGUF), weights.exportFormats("gpt2"));
        GenerativeModel model = imported(TINY);
        Path hf = Files.createDirectories(dir.resolve("hf"));
        List<Path> files = weights.export("gpt2", model, OpenWeights.Format.SAFETENSORS, OpenWeights.Precision.F32, hf);
        assertEquals(List.of("model.safetensors", "config.json", "vocab.json", "merges.txt"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        try (var original = dev.nova.formats.weights.Safetensors.open(TINY.resolve("model.safetensors"));
             var exported = dev.nova.formats.weights.Safetensors.open(hf.resolve("model.safetensors"))) {
            assertEquals(java.util.Map.of("format", "pt"), exported.metadata(), "what from_pretrained requires");
            java.util.Set<String> names = new java.util.TreeSet<>(original.tensors().keySet());
            names.removeIf(n -> n.endsWith(".attn.bias") || n.endsWith(".attn.masked_bias"));
            assertEquals(names, new java.util.TreeSet<>(exported.tensors().keySet()));
            for (String n : names) {
                assertTrue(java.util.Arrays.equals(original.floats(n), exported.floats(n)), n + " bit for bit");
                assertTrue(java.util.Arrays.equals(original.tensor(n).shape(), exported.tensor(n).shape()), n);
            }
        }
        // The exported folder imports again as the same model: the same greedy text and the same payload.
        GenerativeModel again = imported(hf);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        model.save(a);
        again.save(b);
        assertTrue(java.util.Arrays.equals(a.toByteArray(), b.toByteArray()), "import, export, import: bit-identical");

        Path g = Files.createDirectories(dir.resolve("gguf"));
        List<Path> gguf = weights.export("gpt2", model, OpenWeights.Format.GGUF, OpenWeights.Precision.F32, g);
        assertEquals(1, gguf.size());
        try (var file = dev.nova.formats.weights.Gguf.open(gguf.get(0));
             var original = dev.nova.formats.weights.Safetensors.open(TINY.resolve("model.safetensors"))) {
            var m = file.metadata();
            assertEquals("gpt2", m.get("general.architecture"));
            assertEquals(List.of(32L, 32L, 128L, 2L, 4L), List.of(m.get("gpt2.context_length"),
                    m.get("gpt2.embedding_length"), m.get("gpt2.feed_forward_length"), m.get("gpt2.block_count"),
                    m.get("gpt2.attention.head_count")));
            assertEquals(List.of("gpt2", "gpt-2"), List.of(m.get("tokenizer.ggml.model"), m.get("tokenizer.ggml.pre")));
            assertEquals(256, ((List<?>) m.get("tokenizer.ggml.tokens")).size());
            assertEquals(2 + 12 * 2 + 2, file.tensors().size());
            // Conv1D weights are stored [out, in], as llama.cpp's converter writes them.
            assertTrue(java.util.Arrays.equals(new long[] {96, 32}, file.tensor("blk.0.attn_qkv.weight").shape()));
            float[] hfQkv = original.floats("h.0.attn.c_attn.weight");          // [32, 96]
            float[] qkv = file.floats("blk.0.attn_qkv.weight");                  // [96, 32]
            for (int o = 0; o < 96; o++) {
                for (int i = 0; i < 32; i++) {
                    assertEquals(hfQkv[i * 96 + o], qkv[o * 32 + i]);
                }
            }
            assertTrue(java.util.Arrays.equals(original.floats("wte.weight"), file.floats("token_embd.weight")));
        }

        Path half = Files.createDirectories(dir.resolve("half"));
        Path h = weights.export("gpt2", model, OpenWeights.Format.GGUF, OpenWeights.Precision.F16, half).get(0);
        try (var file = dev.nova.formats.weights.Gguf.open(h)) {
            assertEquals(1L, file.metadata().get("general.file_type"));
            assertEquals(dev.nova.formats.weights.DType.F16, file.tensor("token_embd.weight").dtype());
            assertEquals(dev.nova.formats.weights.DType.F32, file.tensor("blk.0.attn_norm.weight").dtype(),
                    "vectors stay F32, as llama.cpp's converter keeps them");
        }
    }

    @Test
    void aCharacterModelIsRefusedNamingItsTokenizer() throws Exception {
        OpenWeights weights = provider.openWeights().orElseThrow();
        Config config = provider.conformanceConfig(dir).orElseThrow()
                .withFallback(com.typesafe.config.ConfigFactory.parseString("model.tie-weights = true"));
        GenerativeModel chars = provider.create(config, context());
        PluginException e = assertThrows(PluginException.class, () -> weights.export("gpt2", chars,
                OpenWeights.Format.GGUF, OpenWeights.Precision.F32, dir));
        assertEquals("plugin 'attention': this model reads characters (data.tokenizer = chars); GPT-2's formats carry a"
                + " byte-level BPE: train with data.tokenizer = bpe or gpt2 to export", e.getMessage());
    }
}

package dev.nova.attention;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.OpenWeights;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.attention.internal.Attention;
import dev.nova.attention.internal.AttentionModel;
import dev.nova.attention.internal.Settings;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.SettingsProvider;
import dev.nova.kit.text.TextModel;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.weights.Gpt2Config;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code attention} plugin: a decoder-only character transformer. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class AttentionProvider extends SettingsProvider<Settings> {

    /** Creates the provider; cheap. */
    public AttentionProvider() {
        super(new PluginInfo(Attention.ID, Attention.VERSION, Modality.TEXT, VersionRange.parse("[1.2,2.0)"),
                "Character-level causal transformer with KV-cache sampling"), Settings::read);
    }

    private static TextSource text(Settings s, ModelContext context) {
        return s.data().source(Attention.ID, context, AttentionProvider.class.getModule(), s.window() + 1);
    }

    @Override
    protected GenerativeModel newModel(Settings s, ModelContext context) {
        TextSource text = text(s, context);
        return new AttentionModel(s, context, text.readWithTokenizer(), text);
    }

    @Override
    protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) {
        return TextModel.restore(Attention.ID, payload, AttentionModel.PAYLOAD_MAGIC,
                in -> Payload.expectModel(Attention.ID, in, s.architecture()),
                t -> new AttentionModel(s, context, t, text(s, context)));
    }

    /** The settings that shape the parameters and the tokens: a fine-tuning run keeps its parent's. */
    @Override
    protected List<String> architectureSettings() {
        return TextModel.architectureSettings("model.layers", "model.heads", "model.d-model", "model.context",
                "model.tie-weights");
    }

    /** The parent's parameters and tokenizer (a character vocabulary grown by the new corpus's characters). */
    @Override
    protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
        TextSource text = text(s, context);
        return TextModel.fineTune(request, in -> (AttentionModel) restoreModel(s, context, in), text,
                t -> new AttentionModel(s, context, t, text));
    }

    /**
     * GPT-2 from Hugging Face's files ({@code nova import gpt2 DIR}): config.json fixes the shape (a tied head, the
     * positions as the context), the folder's vocab.json and merges.txt (or encoder.json and vocab.bpe) are the
     * {@code gpt2} tokenizer, model.safetensors the weights.
     */
    @Override
    public Optional<OpenWeights> openWeights() {
        return Optional.of(new OpenWeights() {
            @Override
            public List<String> families() {
                return List.of("gpt2");
            }

            @Override
            public Config settings(String family, Path folder) {
                Gpt2Config g = Gpt2Config.read(Attention.ID, folder);
                files(family, folder).forEach(f -> {
                    if (!Files.isRegularFile(f)) {
                        throw new PluginException(Attention.ID, f + " not found: a Hugging Face GPT-2 folder has"
                                + " config.json, model.safetensors, vocab.json and merges.txt");
                    }
                });
                return ConfigFactory.parseMap(Map.of("model.layers", g.layers(), "model.heads", g.heads(),
                        "model.d-model", g.width(), "model.context", g.positions(), "model.tie-weights", true,
                        "model.dropout", 0.0, "data.tokenizer", "gpt2",
                        "tokenizer.path", folder.toAbsolutePath().normalize().toString()),
                        folder.resolve("config.json").toString());
            }

            @Override
            public List<Path> files(String family, Path folder) {
                boolean openAiNames = !Files.exists(folder.resolve("vocab.json"))
                        && Files.exists(folder.resolve("encoder.json"));
                return List.of(folder.resolve("model.safetensors"), folder.resolve("config.json"),
                        folder.resolve(openAiNames ? "encoder.json" : "vocab.json"),
                        folder.resolve(openAiNames ? "vocab.bpe" : "merges.txt"));
            }

            @Override
            public GenerativeModel create(String family, Path folder, Config config, ModelContext context) {
                Gpt2Config g = Gpt2Config.read(Attention.ID, folder);
                AttentionModel model = (AttentionModel) AttentionProvider.this.create(config, context);
                if (model.tokenizer().size() != g.vocab()) {
                    model.close();
                    throw new PluginException(Attention.ID, folder.resolve("config.json") + ": vocab_size is " + g.vocab()
                            + " but the folder's tokenizer has " + model.tokenizer().size() + " tokens");
                }
                try {
                    model.importGpt2(folder.resolve("model.safetensors"));
                } catch (RuntimeException e) {
                    model.close();
                    throw e;
                }
                return model;
            }

            @Override
            public List<Format> exportFormats(String family) {
                return family.equals("gpt2") ? List.of(Format.SAFETENSORS, Format.GGUF) : List.of();
            }

            @Override
            public List<Path> export(String family, GenerativeModel model, Format format, Precision precision,
                                     Path folder) {
                if (!(model instanceof AttentionModel m)) {
                    throw new PluginException(Attention.ID, "export was given a model of another plugin: "
                            + model.getClass().getName());
                }
                return m.exportGpt2(format, precision, folder);
            }
        });
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> TextModel.conformanceProfile(c)
                .withInvalidSetting("model.heads", 0).withIncompatibleSetting("model.d-model", 32));
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return Optional.of(ConfigFactory.parseString("""
                data { path = %s, holdout = 0.2 }
                model { layers = 1, heads = 2, d-model = 16, context = 16 }
                train { batch = 4, learning-rate = 0.01 }
                eval { windows = 16, batch = 16 }
                generate.length = 16
                """.formatted(TextSource.tinyCorpus(scratch))));
    }
}

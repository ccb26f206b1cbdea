package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.ModelContext;
import dev.nova.kit.support.Checks;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The {@code data} section of a text plugin: where the corpus is, how much of it is held out, and how it becomes
 * tokens ({@code data.tokenizer} and the {@code tokenizer} section). Its keys are declared here once, for every text
 * plugin on kit; a plugin whose reference.conf lacks the tokenizer keys reads as {@value Tokenizer#CHARS}.
 *
 * @param path a UTF-8 text file, a folder of them, or {@code builtin:<name>} ({@code data.path})
 * @param holdout the fraction of the corpus's tail held out for evaluation, in [0, 0.9] ({@code data.holdout})
 * @param tokenizer {@value Tokenizer#CHARS}, {@value Tokenizer#BPE} or {@value Tokenizer#GPT2} ({@code data.tokenizer})
 * @param vocabSize the tokens a {@value Tokenizer#BPE} tokenizer is trained to, the 256 bytes included
 *                  ({@code tokenizer.vocab-size})
 * @param tokenizerPath the folder of GPT-2's tokenizer files for {@value Tokenizer#GPT2} ({@code tokenizer.path}),
 *                      empty otherwise
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record TextDataSettings(String path, double holdout, String tokenizer, int vocabSize, String tokenizerPath) {

    /** The kinds of {@code data.tokenizer}. */
    public static final List<String> TOKENIZERS = List.of(Tokenizer.CHARS, Tokenizer.BPE, Tokenizer.GPT2);
    /** The settings that decide a model's tokens: a fine-tuned model keeps its parent's. */
    public static final List<String> TOKENIZER_SETTINGS = List.of("data.tokenizer", "tokenizer.vocab-size",
            "tokenizer.path");

    /**
     * Character settings ({@value Tokenizer#CHARS}).
     *
     * @param path the corpus
     * @param holdout the held-out fraction
     */
    public TextDataSettings(String path, double holdout) {
        this(path, holdout, Tokenizer.CHARS, 1024, "");
    }

    /**
     * Reads and checks {@code data.path}, {@code data.holdout}, {@code data.tokenizer}, {@code tokenizer.vocab-size}
     * and {@code tokenizer.path}.
     *
     * @param c the checks of the plugin's subtree
     * @return the settings (placeholders where a problem was added)
     */
    public static TextDataSettings read(Checks c) {
        String path = c.getNonBlank("data.path", "a UTF-8 text file, a folder, or builtin:kjv-genesis");
        double holdout = c.getDouble("data.holdout", 0.0, 0.9, true);
        var config = c.config();
        String kind = config.hasPath("data.tokenizer") ? c.getOneOf("data.tokenizer", TOKENIZERS) : Tokenizer.CHARS;
        int vocabSize = config.hasPath("tokenizer.vocab-size")
                ? c.getInt("tokenizer.vocab-size", 256, dev.nova.formats.tokens.ByteLevelBpe.MAX_SIZE) : 1024;
        String folder = config.hasPath("tokenizer.path") ? config.getString("tokenizer.path") : "";
        if (kind.equals(Tokenizer.GPT2) && folder.isBlank()) {
            c.add("tokenizer.path", "must name the folder of GPT-2's tokenizer files (vocab.json and merges.txt, or"
                    + " encoder.json and vocab.bpe) when data.tokenizer = gpt2");
        }
        return new TextDataSettings(path, holdout, kind, vocabSize, folder);
    }

    /**
     * The corpus these settings name, read on first use.
     *
     * @param pluginId for messages
     * @param context resolves a relative path
     * @param module the plugin's module (built-in corpora are its resources)
     * @param windowLength the shortest training and held-out text the model can use (its window plus one)
     * @return the source
     */
    public TextSource source(String pluginId, ModelContext context, Module module, int windowLength) {
        return new TextSource(pluginId, path, context, module, holdout, windowLength, this);
    }
}

package dev.nova.kit.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.nova.api.PluginException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A Hugging Face GPT-2 folder's {@code config.json}: the shape of the model, and the refusal of what a Nova GPT-2
 * does not compute (another activation, another layer-norm epsilon, scaled or reordered attention), each naming the
 * key, its value and what is expected.
 *
 * @param layers {@code n_layer}
 * @param heads {@code n_head}
 * @param width {@code n_embd}
 * @param positions {@code n_positions} (or {@code n_ctx})
 * @param vocab {@code vocab_size}
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public record Gpt2Config(int layers, int heads, int width, int positions, int vocab) {

    /** The largest config.json read. */
    public static final long MAX_BYTES = 1 << 20;

    /** GPT-2's GELU: the tanh form, under each name Hugging Face gives it. */
    public static final List<String> ACTIVATIONS = List.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    /**
     * Reads {@code config.json} of a folder.
     *
     * @param pluginId the plugin, for errors
     * @param folder the folder
     * @return the shape
     * @throws PluginException naming the file and key of what is missing or not supported
     */
    public static Gpt2Config read(String pluginId, Path folder) {
        Path file = folder.resolve("config.json");
        Config c;
        try {
            if (!Files.isRegularFile(file)) {
                throw new PluginException(pluginId, file + " not found: a Hugging Face GPT-2 folder has config.json,"
                        + " model.safetensors, vocab.json and merges.txt");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new PluginException(pluginId, file + " is " + Files.size(file) + " bytes, more than the "
                        + MAX_BYTES + " a config.json may have");
            }
            c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)
                    .setAllowMissing(false));
        } catch (ConfigException e) {
            throw new PluginException(pluginId, file + ": not valid JSON: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new PluginException(pluginId, "cannot read " + file + ": " + e.getMessage());
        }
        String type = string(c, "model_type", "gpt2");
        if (!type.equals("gpt2")) {
            throw new PluginException(pluginId, file + ": model_type is '" + type + "', expected 'gpt2'");
        }
        String activation = string(c, "activation_function", "gelu_new");
        if (!ACTIVATIONS.contains(activation)) {
            throw new PluginException(pluginId, file + ": activation_function is '" + activation + "', expected one of "
                    + ACTIVATIONS + " (GPT-2's GELU, the tanh form Nova computes)");
        }
        double eps = c.hasPath("layer_norm_epsilon") ? number(pluginId, file, c, "layer_norm_epsilon") : 1e-5;
        if (eps != 1e-5) {
            throw new PluginException(pluginId, file + ": layer_norm_epsilon is " + eps + ", expected 1e-05 (GPT-2's)");
        }
        for (String flag : List.of("scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn")) {
            if (c.hasPath(flag) && bool(pluginId, file, c, flag)) {
                throw new PluginException(pluginId, file + ": " + flag + " is true, expected false (GPT-2's attention)");
            }
        }
        if (c.hasPath("scale_attn_weights") && !bool(pluginId, file, c, "scale_attn_weights")) {
            throw new PluginException(pluginId, file + ": scale_attn_weights is false, expected true (GPT-2's attention)");
        }
        if (c.hasPath("tie_word_embeddings") && !bool(pluginId, file, c, "tie_word_embeddings")) {
            throw new PluginException(pluginId, file + ": tie_word_embeddings is false, expected true (GPT-2's head is"
                    + " its token embedding)");
        }
        int layers = positive(pluginId, file, c, "n_layer");
        int heads = positive(pluginId, file, c, "n_head");
        int width = positive(pluginId, file, c, "n_embd");
        int positions = c.hasPath("n_positions") ? positive(pluginId, file, c, "n_positions")
                : positive(pluginId, file, c, "n_ctx");
        int vocab = positive(pluginId, file, c, "vocab_size");
        if (width % heads != 0) {
            throw new PluginException(pluginId, file + ": n_embd " + width + " is not a multiple of n_head " + heads);
        }
        return new Gpt2Config(layers, heads, width, positions, vocab);
    }

    private static String string(Config c, String key, String absent) {
        return c.hasPath(key) ? c.getValue(key).unwrapped().toString() : absent;
    }

    private static double number(String pluginId, Path file, Config c, String key) {
        try {
            return c.getDouble(key);
        } catch (ConfigException e) {
            throw new PluginException(pluginId, file + ": " + key + " is " + c.getValue(key).render() + ", expected a number");
        }
    }

    private static boolean bool(String pluginId, Path file, Config c, String key) {
        try {
            return c.getBoolean(key);
        } catch (ConfigException e) {
            throw new PluginException(pluginId, file + ": " + key + " is " + c.getValue(key).render() + ", expected true"
                    + " or false");
        }
    }

    private static int positive(String pluginId, Path file, Config c, String key) {
        if (!c.hasPath(key)) {
            throw new PluginException(pluginId, file + ": " + key + " is missing");
        }
        double v = number(pluginId, file, c, key);
        if (v < 1 || v > (1 << 24) || v != Math.rint(v)) {
            throw new PluginException(pluginId, file + ": " + key + " is " + c.getValue(key).render()
                    + ", expected a whole number from 1 to " + (1 << 24));
        }
        return (int) v;
    }
}

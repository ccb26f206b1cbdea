package dev.nova.attention.internal;

import dev.nova.kit.nn.ParamSet;
import dev.nova.kit.weights.WeightsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hugging Face GPT-2 tensors and this plugin's parameters, name for name. GPT-2's Conv1D stores its weights
 * {@code [in, out]} ({@code y = x·W + b}), as kit's {@code Dense} does, so nothing is transposed; the head is the token
 * embedding (tied); the attention's causal-mask buffers ({@code attn.bias}, {@code attn.masked_bias}) of older files
 * are not parameters and are ignored.
 */
public final class Gpt2Weights {

    private Gpt2Weights() {
    }

    /**
     * This plugin's parameter for each GPT-2 tensor, in the file's naming (with {@code prefix}, {@code transformer.}
     * in files saved from {@code GPT2LMHeadModel}'s state dict, empty in the published ones).
     *
     * @param layers blocks
     * @param prefix the tensors' common prefix
     * @return tensor name to parameter name
     */
    public static Map<String, String> names(int layers, String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "wte.weight", "token-embedding");
        m.put(prefix + "wpe.weight", "position-embedding");
        for (int i = 0; i < layers; i++) {
            String h = prefix + "h." + i + ".";
            String b = "block." + i + ".";
            m.put(h + "ln_1.weight", b + "ln1.g");
            m.put(h + "ln_1.bias", b + "ln1.b");
            m.put(h + "attn.c_attn.weight", b + "attn.qkv.w");
            m.put(h + "attn.c_attn.bias", b + "attn.qkv.b");
            m.put(h + "attn.c_proj.weight", b + "attn.proj.w");
            m.put(h + "attn.c_proj.bias", b + "attn.proj.b");
            m.put(h + "ln_2.weight", b + "ln2.g");
            m.put(h + "ln_2.bias", b + "ln2.b");
            m.put(h + "mlp.c_fc.weight", b + "fc.w");
            m.put(h + "mlp.c_fc.bias", b + "fc.b");
            m.put(h + "mlp.c_proj.weight", b + "out.w");
            m.put(h + "mlp.c_proj.bias", b + "out.b");
        }
        m.put(prefix + "ln_f.weight", "final-norm.g");
        m.put(prefix + "ln_f.bias", "final-norm.b");
        return m;
    }

    /**
     * Copies a GPT-2's weights into a network of its shape (tied head, context = the file's positions).
     *
     * @param network the network
     * @param layers its blocks
     * @param file the safetensors file
     * @throws dev.nova.api.PluginException naming the file and the tensor that is missing or of another shape
     */
    public static void load(TransformerNetwork network, int layers, Path file) {
        ParamSet params = network.params();
        try (WeightsFile weights = WeightsFile.open(Attention.ID, file)) {
            String prefix = weights.names().contains("transformer.wte.weight") ? "transformer." : "";
            Map<String, String> names = names(layers, prefix);
            for (String tensor : names.keySet()) {
                if (!weights.names().contains(tensor)) {
                    throw new dev.nova.api.PluginException(Attention.ID, file + ": no tensor '" + tensor + "' (a GPT-2"
                            + " of " + layers + " layers has " + names.size() + " tensors)");
                }
            }
            names.forEach((tensor, parameter) -> weights.copy(params, parameter, tensor, false));
            if (!params.names().containsAll(names.values()) || params.names().size() != names.size()) {
                throw new IllegalStateException("GPT-2's tensors name " + names.values() + " but the network has "
                        + params.names());
            }
        }
    }
}

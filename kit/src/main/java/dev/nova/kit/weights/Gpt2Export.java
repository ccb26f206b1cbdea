package dev.nova.kit.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.nova.api.OpenWeights;
import dev.nova.api.PluginException;
import dev.nova.formats.weights.DType;
import dev.nova.formats.weights.GgufWriter;
import dev.nova.formats.weights.Safetensors;
import dev.nova.formats.weights.TensorValues;
import dev.nova.kit.text.Subwords;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A GPT-2 written in the formats other tools run: Hugging Face's layout (safetensors with {@code config.json},
 * {@code vocab.json} and {@code merges.txt}, which {@code GPT2LMHeadModel.from_pretrained} and {@code nova import}
 * read) and GGUF (architecture {@code gpt2}, the tokenizer in the metadata, as llama.cpp's own converter writes it:
 * Conv1D weights transposed to {@code [out, in]}, and in F16 files the vectors kept F32).
 *
 * <p>The tensors are given in Hugging Face's naming without a prefix ({@code wte.weight}, {@code h.0.attn.c_attn.weight},
 * ...) and layout (Conv1D weights {@code [in, out]}, vectors of one row or none); each is checked against the shape
 * before anything is written. Nothing but the weights' own copy of one tensor at a time is held in memory.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Gpt2Export {

    /** GPT-2's layer-norm epsilon, which Nova's GPT-2 computes with. */
    public static final float LAYER_NORM_EPSILON = 1e-5f;

    private Gpt2Export() {
    }

    /**
     * The tensors of a GPT-2 of a shape, in Hugging Face's naming and order, with their shapes.
     *
     * @param shape the model's shape
     * @return name to shape
     */
    public static Map<String, long[]> tensors(Gpt2Config shape) {
        long w = shape.width();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("wte.weight", new long[] {shape.vocab(), w});
        m.put("wpe.weight", new long[] {shape.positions(), w});
        for (int i = 0; i < shape.layers(); i++) {
            String h = "h." + i + ".";
            m.put(h + "ln_1.weight", new long[] {w});
            m.put(h + "ln_1.bias", new long[] {w});
            m.put(h + "attn.c_attn.weight", new long[] {w, 3 * w});
            m.put(h + "attn.c_attn.bias", new long[] {3 * w});
            m.put(h + "attn.c_proj.weight", new long[] {w, w});
            m.put(h + "attn.c_proj.bias", new long[] {w});
            m.put(h + "ln_2.weight", new long[] {w});
            m.put(h + "ln_2.bias", new long[] {w});
            m.put(h + "mlp.c_fc.weight", new long[] {w, 4 * w});
            m.put(h + "mlp.c_fc.bias", new long[] {4 * w});
            m.put(h + "mlp.c_proj.weight", new long[] {4 * w, w});
            m.put(h + "mlp.c_proj.bias", new long[] {w});
        }
        m.put("ln_f.weight", new long[] {w});
        m.put("ln_f.bias", new long[] {w});
        return m;
    }

    /**
     * Writes a GPT-2 into a folder.
     *
     * @param pluginId the plugin, for errors
     * @param shape the model's shape
     * @param tensor each tensor by its Hugging Face name (see {@link #tensors})
     * @param tokenizer the model's byte-level BPE
     * @param format the format
     * @param precision F32 or F16
     * @param folder an empty folder
     * @return the files written, the weights first
     * @throws PluginException if a tensor is missing or of another shape, or the tokenizer is not the model's size
     */
    public static List<Path> write(String pluginId, Gpt2Config shape, Function<String, INDArray> tensor,
                                   Subwords tokenizer, OpenWeights.Format format, OpenWeights.Precision precision,
                                   Path folder) {
        if (tokenizer.size() != shape.vocab()) {
            throw new PluginException(pluginId, "the tokenizer has " + tokenizer.size() + " tokens but the model "
                    + shape.vocab() + " embeddings");
        }
        Map<String, long[]> shapes = tensors(shape);
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        shapes.forEach((name, expected) -> {
            INDArray a = tensor.apply(name);
            if (a == null) {
                throw new PluginException(pluginId, "no tensor for GPT-2's '" + name + "'");
            }
            long[] s = a.rank() == 2 && a.rows() == 1 && expected.length == 1 ? new long[] {a.columns()} : a.shape();
            if (!Arrays.equals(s, expected)) {
                throw new PluginException(pluginId, "GPT-2's '" + name + "' is " + Arrays.toString(expected)
                        + " but the model's is " + Arrays.toString(a.shape()));
            }
            arrays.put(name, a);
        });
        try {
            return format == OpenWeights.Format.GGUF
                    ? List.of(gguf(shape, shapes, arrays, tokenizer, precision, folder.resolve("model.gguf")))
                    : huggingFace(shape, shapes, arrays, tokenizer, precision, folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> huggingFace(Gpt2Config shape, Map<String, long[]> shapes, Map<String, INDArray> arrays,
                                          Subwords tokenizer, OpenWeights.Precision precision, Path folder)
            throws IOException {
        DType dtype = precision == OpenWeights.Precision.F16 ? DType.F16 : DType.F32;
        List<TensorValues> tensors = new ArrayList<>();
        shapes.forEach((name, s) -> tensors.add(new TensorValues(name, dtype, s, () -> floats(arrays.get(name), false))));
        Path weights = folder.resolve("model.safetensors");
        try (OutputStream out = synced(weights)) {
            Safetensors.write(out, Map.of("format", "pt"), tensors);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", List.of("GPT2LMHeadModel"));
        config.put("model_type", "gpt2");
        config.put("activation_function", "gelu_new");
        config.put("layer_norm_epsilon", 1e-5);
        config.put("n_layer", shape.layers());
        config.put("n_head", shape.heads());
        config.put("n_embd", shape.width());
        config.put("n_positions", shape.positions());
        config.put("n_ctx", shape.positions());
        config.put("vocab_size", shape.vocab());
        config.put("tie_word_embeddings", true);
        config.put("torch_dtype", precision == OpenWeights.Precision.F16 ? "float16" : "float32");
        if (tokenizer.specials() > 0) {
            // GPT-2's <|endoftext|> both starts and ends a text.
            config.put("bos_token_id", tokenizer.size() - 1);
            config.put("eos_token_id", tokenizer.size() - 1);
        }
        Path configFile = folder.resolve("config.json");
        Files.writeString(configFile, ConfigValueFactory.fromMap(config).render(ConfigRenderOptions.concise()
                .setFormatted(true)) + "\n", StandardCharsets.UTF_8);
        tokenizer.writeGpt2Files(folder);
        return List.of(weights, configFile, folder.resolve("vocab.json"), folder.resolve("merges.txt"));
    }

    private static Path gguf(Gpt2Config shape, Map<String, long[]> shapes, Map<String, INDArray> arrays,
                             Subwords tokenizer, OpenWeights.Precision precision, Path file) throws IOException {
        boolean half = precision == OpenWeights.Precision.F16;
        GgufWriter.Metadata m = new GgufWriter.Metadata()
                .string("general.architecture", "gpt2")
                .string("general.name", "Nova GPT-2")
                .u32("general.file_type", half ? 1 : 0)
                .u32("gpt2.context_length", shape.positions())
                .u32("gpt2.embedding_length", shape.width())
                .u32("gpt2.feed_forward_length", 4 * shape.width())
                .u32("gpt2.block_count", shape.layers())
                .u32("gpt2.attention.head_count", shape.heads())
                .f32("gpt2.attention.layer_norm_epsilon", LAYER_NORM_EPSILON)
                .string("tokenizer.ggml.model", "gpt2")
                .string("tokenizer.ggml.pre", "gpt-2")
                .strings("tokenizer.ggml.tokens", tokenizer.tokenTexts());
        int[] types = new int[tokenizer.size()];
        Arrays.fill(types, 1);                                       // normal
        for (int t = tokenizer.size() - tokenizer.specials(); t < tokenizer.size(); t++) {
            types[t] = 3;                                            // control
        }
        m.i32s("tokenizer.ggml.token_type", types).strings("tokenizer.ggml.merges", tokenizer.merges());
        if (tokenizer.specials() > 0) {
            m.u32("tokenizer.ggml.bos_token_id", tokenizer.size() - 1).u32("tokenizer.ggml.eos_token_id",
                    tokenizer.size() - 1);
        }
        // Nova starts a text with its prompt's own tokens, never an added one.
        m.bool("tokenizer.ggml.add_bos_token", false).bool("tokenizer.ggml.add_eos_token", false);
        List<TensorValues> tensors = new ArrayList<>();
        shapes.forEach((name, s) -> {
            boolean conv = name.endsWith(".weight") && (name.contains(".c_attn.") || name.contains(".c_proj.")
                    || name.contains(".c_fc."));
            long[] stored = conv ? new long[] {s[1], s[0]} : s;
            DType dtype = half && s.length == 2 ? DType.F16 : DType.F32;
            tensors.add(new TensorValues(ggufName(name), dtype, stored, () -> floats(arrays.get(name), conv)));
        });
        try (OutputStream out = synced(file)) {
            GgufWriter.write(out, m, tensors);
        }
        return file;
    }

    /**
     * llama.cpp's name of a GPT-2 tensor.
     *
     * @param hf the Hugging Face name
     * @return the GGUF name
     */
    public static String ggufName(String hf) {
        if (hf.startsWith("h.")) {
            int dot = hf.indexOf('.', 2);
            String block = "blk." + hf.substring(2, dot) + ".";
            String rest = hf.substring(dot + 1);
            String suffix = rest.substring(rest.lastIndexOf('.'));
            String part = switch (rest.substring(0, rest.lastIndexOf('.'))) {
                case "ln_1" -> "attn_norm";
                case "attn.c_attn" -> "attn_qkv";
                case "attn.c_proj" -> "attn_output";
                case "ln_2" -> "ffn_norm";
                case "mlp.c_fc" -> "ffn_up";
                case "mlp.c_proj" -> "ffn_down";
                default -> throw new IllegalArgumentException("not a GPT-2 tensor: " + hf);
            };
            return block + part + suffix;
        }
        return switch (hf) {
            case "wte.weight" -> "token_embd.weight";
            case "wpe.weight" -> "position_embd.weight";
            case "ln_f.weight" -> "output_norm.weight";
            case "ln_f.bias" -> "output_norm.bias";
            default -> throw new IllegalArgumentException("not a GPT-2 tensor: " + hf);
        };
    }

    private static float[] floats(INDArray a, boolean transpose) {
        INDArray source = transpose ? a.transpose() : a;
        INDArray c = source.castTo(DataType.FLOAT).dup('c');
        float[] values = c.data().asFloat();
        return values.length == c.length() ? values : Arrays.copyOf(values, (int) c.length());
    }

    /** A file written through a buffer and forced to the disk on close, before the host moves it into place. */
    private static OutputStream synced(Path file) throws IOException {
        FileOutputStream raw = new FileOutputStream(file.toFile());
        return new BufferedOutputStream(raw, 1 << 20) {
            @Override
            public void close() throws IOException {
                try {
                    flush();
                    raw.getFD().sync();
                } finally {
                    super.close();
                }
            }
        };
    }
}

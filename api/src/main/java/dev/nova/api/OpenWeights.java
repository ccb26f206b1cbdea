package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import org.apiguardian.api.API;


/**
 * A plugin's capability to start a model from weights published by others (for example a Hugging Face GPT-2
 * folder): what {@code nova import FAMILY DIR} needs. The host makes a run of the model at step 0, which
 * {@code generate}, {@code evaluate}, {@code serve} and {@code train --init-from} then treat like any run.
 *
 * <p>A plugin may also write its models in the family's published formats ({@link #exportFormats}, {@link #export}),
 * for {@code nova export}: what other tools (llama.cpp, Ollama, Hugging Face) run.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public interface OpenWeights {

    /**
     * The families of published models this plugin reads, for example {@code gpt2}.
     *
     * @return the family names, lower case
     */
    List<String> families();

    /**
     * The plugin's settings (its subtree) for the published model in a folder: whatever fixes its architecture and
     * tokens. Cheap: reads the folder's small files, never the weights.
     *
     * @param family one of {@link #families()}
     * @param folder the folder the user named
     * @return the settings, which the host layers over the plugin's reference configuration
     * @throws PluginException naming the file and key of what is missing or not supported
     */
    Config settings(String family, Path folder);

    /**
     * The files a model made from this folder reads (the weights first): the host records each with its SHA-256 in
     * the run's lineage.
     *
     * @param family one of {@link #families()}
     * @param folder the folder
     * @return the files
     */
    List<Path> files(String family, Path folder);

    /**
     * Creates a model at step 0 holding the published weights.
     *
     * @param family one of {@link #families()}
     * @param folder the folder
     * @param config the plugin's subtree: {@link #settings} with the user's overrides and the reference configuration
     * @param context what the host hands the model
     * @return the model, ready to generate, evaluate, save and train
     * @throws PluginException naming the file and tensor that is missing, malformed or of another shape
     */
    GenerativeModel create(String family, Path folder, Config config, ModelContext context);

    /** The published formats a model may be written in. */
    enum Format {
        /** Hugging Face's layout: {@code model.safetensors} with {@code config.json} and the tokenizer's files. */
        SAFETENSORS,
        /** One GGUF file (version 3), with the tokenizer in its metadata: what llama.cpp and Ollama run. */
        GGUF
    }

    /** The element type of written weights. */
    enum Precision {
        /** 32-bit floats: the model's own values. */
        F32,
        /** 16-bit floats (rounded to nearest): half the size. */
        F16
    }

    /**
     * The formats this plugin writes its models in for a family, for {@code nova export}.
     *
     * @param family one of {@link #families()}
     * @return the formats; empty (the default) if it writes none
     */
    default List<Format> exportFormats(String family) {
        return List.of();
    }

    /**
     * Writes a model as published weights of a family, into an empty folder the host made for it (the host then
     * moves the files into place, so that a stopped export leaves nothing half-written).
     *
     * @param family one of {@link #families()}
     * @param model a model this plugin made (created, restored or imported)
     * @param format one of {@link #exportFormats}
     * @param precision the element type of the weights
     * @param folder the empty folder to write into
     * @return the files written, the weights first (for {@link Format#GGUF}, exactly one)
     * @throws PluginException naming what keeps this model from the format (for example a tokenizer the family does
     *     not have)
     * @throws UnsupportedOperationException if the plugin declares no formats (the default)
     */
    default List<Path> export(String family, GenerativeModel model, Format format, Precision precision, Path folder) {
        throw new UnsupportedOperationException("this plugin writes no published formats");
    }
}

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
}

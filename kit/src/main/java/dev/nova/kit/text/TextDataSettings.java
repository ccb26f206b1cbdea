package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.ModelContext;
import dev.nova.kit.support.Checks;
import org.apiguardian.api.API;

/**
 * The {@code data} section of a text plugin: where the corpus is and how much of it is held out. Its keys are
 * declared here once, for every text plugin on kit.
 *
 * @param path a UTF-8 text file, a folder of them, or {@code builtin:<name>} ({@code data.path})
 * @param holdout the fraction of the corpus's tail held out for evaluation, in [0, 0.9] ({@code data.holdout})
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record TextDataSettings(String path, double holdout) {

    /**
     * Reads and checks {@code data.path} and {@code data.holdout}.
     *
     * @param c the checks of the plugin's subtree
     * @return the settings (placeholders where a problem was added)
     */
    public static TextDataSettings read(Checks c) {
        return new TextDataSettings(c.getNonBlank("data.path", "a UTF-8 text file, a folder, or builtin:kjv-genesis"),
                c.getDouble("data.holdout", 0.0, 0.9, true));
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
        return new TextSource(pluginId, path, context, module, holdout, windowLength);
    }
}

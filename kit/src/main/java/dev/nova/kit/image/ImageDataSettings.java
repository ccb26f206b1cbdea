package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.ModelContext;
import dev.nova.kit.support.Checks;
import org.apiguardian.api.API;

/**
 * The {@code data} section of an image plugin: where the images are, their size, how many are held out and how
 * many are trained on. Its keys are declared here once, for every image plugin on kit.
 *
 * @param path an IDX folder, an image folder, or {@code builtin:shapes} ({@code data.path})
 * @param imageSize width and height of the model's images ({@code data.image-size})
 * @param holdout held-out fraction for folders and built-in data ({@code data.holdout})
 * @param limit at most this many training images, 0 for all ({@code data.limit})
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record ImageDataSettings(String path, int imageSize, double holdout, int limit) {

    /**
     * Reads and checks the {@code data} keys.
     *
     * @param c the checks of the plugin's subtree
     * @return the settings (placeholders where a problem was added)
     */
    public static ImageDataSettings read(Checks c) {
        return new ImageDataSettings(c.getNonBlank("data.path", "an IDX folder, an image folder, or builtin:shapes"),
                c.getInt("data.image-size", 2, 1024), c.getDouble("data.holdout", 0.0, 0.9, true),
                c.getInt("data.limit", 0, Integer.MAX_VALUE));
    }

    /** Pixels per image. */
    public int pixels() {
        return imageSize * imageSize;
    }

    /**
     * The images these settings name, read on first use.
     *
     * @param pluginId for messages
     * @param context resolves a relative path
     * @return the source
     */
    public ImageSource source(String pluginId, ModelContext context) {
        return new ImageSource(pluginId, path, context, imageSize, holdout, limit);
    }
}

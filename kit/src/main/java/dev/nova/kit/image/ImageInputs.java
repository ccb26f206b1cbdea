package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * The images a generation mode starts from (reconstruction, interpolation): a path the user gave as an option, or
 * held-out images chosen by the request's seed.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ImageInputs {

    /** Generation option (reconstruction): an image file or folder; held-out images without it. */
    public static final String INPUT = "input";
    /** Generation option (interpolation): the image each strip starts from; held-out images without it. */
    public static final String FROM = "from";
    /** Generation option (interpolation): the image each strip ends at (given with {@link #FROM}). */
    public static final String TO = "to";

    private ImageInputs() {
    }

    /**
     * The two ends of {@code count} interpolations: the images the {@link #FROM} and {@link #TO} options name, each
     * repeated, or two picks of held-out images.
     *
     * @param pluginId for messages
     * @param options the request's options
     * @param test the held-out images
     * @param count how many interpolations
     * @param size the image size the model uses
     * @param seed the request's seed
     * @param label completes an image read from a path (with a class, say); identity when nothing is needed
     * @return the start images, then the end images
     * @throws PluginException when only one of the two options is given
     */
    public static ImageSet[] ends(String pluginId, dev.nova.kit.support.Options options, ImageSet test, int count,
                                  int size, long seed, java.util.function.UnaryOperator<ImageSet> label) {
        if (options.has(FROM) != options.has(TO)) {
            throw new InvalidOptionException(pluginId, "from", "options from and to go together: give both image paths, or neither to"
                    + " interpolate between held-out images");
        }
        if (options.has(FROM)) {
            return new ImageSet[] {
                repeat(label.apply(fromPath(pluginId, FROM, options.text(FROM).orElseThrow(), 1, size)), count),
                repeat(label.apply(fromPath(pluginId, TO, options.text(TO).orElseThrow(), 1, size)), count)};
        }
        return new ImageSet[] {heldOut(pluginId, test, count, seed), heldOut(pluginId, test, count, seed + 7919)};
    }

    private static ImageSet repeat(ImageSet one, int count) {
        float[] px = new float[count * one.dim()];
        int[] labels = one.labels() == null ? null : new int[count];
        for (int s = 0; s < count; s++) {
            System.arraycopy(one.pixels(), 0, px, s * one.dim(), one.dim());
            if (labels != null) {
                labels[s] = one.labels()[0];
            }
        }
        return new ImageSet(count, one.size(), px, labels, one.classes(), one.source());
    }

    /**
     * {@code count} images from a path option: the first {@code count} of a folder (with their classes when it has
     * class sub-folders), or one image file repeated.
     *
     * @param pluginId for messages
     * @param key the option's name, for messages
     * @param value the option's value, a path relative to the working directory (it comes from the command line)
     * @param count how many images
     * @param size the image size the model uses
     * @return the images
     * @throws PluginException naming the option and the path when there are too few images or none readable
     */
    public static ImageSet fromPath(String pluginId, String key, String value, int count, int size) {
        Path p = Path.of(value).toAbsolutePath();
        if (Files.isDirectory(p)) {
            ImageSet set = ImageData.readFolder(pluginId, p, size);
            if (set.count() < count) {
                throw new InvalidOptionException(pluginId, key, "option " + key + ": " + p + " holds " + set.count() + " images, "
                        + count + " asked for");
            }
            return set.limit(count);
        }
        if (!Files.isRegularFile(p)) {
            throw new InvalidOptionException(pluginId, key, "option " + key + ": " + p + " is neither an image file nor a folder");
        }
        float[] one = ImageData.readImage(pluginId, p, size);
        float[] out = new float[count * one.length];
        for (int s = 0; s < count; s++) {
            System.arraycopy(one, 0, out, s * one.length, one.length);
        }
        return new ImageSet(count, size, out, null, List.of(), p.toString());
    }

    /**
     * {@code count} held-out images chosen by a seed (with replacement), with their labels when the set has them.
     *
     * @param pluginId for messages
     * @param test the held-out images
     * @param count how many
     * @param seed the request's seed
     * @return the images
     * @throws PluginException when there are no held-out images
     */
    public static ImageSet heldOut(String pluginId, ImageSet test, int count, long seed) {
        if (test.count() == 0) {
            throw new PluginException(pluginId, "there are no held-out images (data.holdout = 0); give image paths instead");
        }
        Random r = new Random(seed * 31 + 17);
        int[] pick = new int[count];
        for (int s = 0; s < count; s++) {
            pick[s] = r.nextInt(test.count());
        }
        float[] out = new float[count * test.dim()];
        test.gather(pick, 0, count, out);
        int[] labels = null;
        if (test.labels() != null) {
            labels = new int[count];
            for (int s = 0; s < count; s++) {
                labels[s] = test.labels()[pick[s]];
            }
        }
        return new ImageSet(count, test.size(), out, labels, test.classes(), test.source());
    }
}

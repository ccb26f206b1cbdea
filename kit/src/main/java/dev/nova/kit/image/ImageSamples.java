package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Turns pixel arrays into {@link Sample.Image}s: one per image, or several side by side in one strip (an image
 * and its reconstruction, the frames of an interpolation).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ImageSamples {

    private ImageSamples() {
    }

    /**
     * One sample per image, values clamped to [0, 1].
     *
     * @param pixels {@code count · size · size} values
     * @param count images
     * @param size width and height
     * @return the samples
     */
    public static List<Sample> each(float[] pixels, int count, int size) {
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            out.add(new Sample.Image(size, size, clamp(Arrays.copyOfRange(pixels, s * size * size, (s + 1) * size * size))));
        }
        return out;
    }

    /**
     * Square images side by side with a 1-pixel gap, as one sample.
     *
     * @param parts the images, {@code size · size} values each
     * @param size width and height of each
     * @return the strip
     */
    public static Sample.Image strip(List<float[]> parts, int size) {
        int gap = 1;
        int width = parts.size() * size + (parts.size() - 1) * gap;
        float[] px = new float[width * size];
        for (int k = 0; k < parts.size(); k++) {
            float[] p = parts.get(k);
            for (int y = 0; y < size; y++) {
                System.arraycopy(p, y * size, px, y * width + k * (size + gap), size);
            }
        }
        return new Sample.Image(width, size, clamp(px));
    }

    /**
     * Square images one above the other with a 1-pixel gap, as one sample (a column of a grid whose rows are
     * classes, say).
     *
     * @param parts the images, {@code size · size} values each
     * @param size width and height of each
     * @return the column
     */
    public static Sample.Image column(List<float[]> parts, int size) {
        int gap = 1;
        int height = parts.size() * size + (parts.size() - 1) * gap;
        float[] px = new float[size * height];
        for (int k = 0; k < parts.size(); k++) {
            System.arraycopy(parts.get(k), 0, px, k * (size + gap) * size, size * size);
        }
        return new Sample.Image(size, height, clamp(px));
    }

    /**
     * Image {@code i} of a batch.
     *
     * @param pixels {@code count · dim} values
     * @param i the image
     * @param dim values per image
     * @return a copy of its values
     */
    public static float[] slice(float[] pixels, int i, int dim) {
        return Arrays.copyOfRange(pixels, i * dim, (i + 1) * dim);
    }

    /**
     * Clamps values to [0, 1] in place.
     *
     * @param px the values
     * @return {@code px}
     */
    public static float[] clamp(float[] px) {
        for (int i = 0; i < px.length; i++) {
            px[i] = Math.max(0f, Math.min(1f, px[i]));
        }
        return px;
    }
}

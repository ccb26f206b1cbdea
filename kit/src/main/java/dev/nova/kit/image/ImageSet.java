package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Grey-scale images of one size, pixel values in [0,1], with optional class labels.
 *
 * @param count how many images
 * @param size width and height
 * @param pixels {@code count * size * size} values, image after image, row-major
 * @param labels a class index per image, or {@code null} when the data have no classes
 * @param classes class names indexed by label (empty without labels)
 * @param source where they came from, for messages
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ImageSet(int count, int size, float[] pixels, int[] labels, List<String> classes, String source) {

    /** Checks the arguments. */
    public ImageSet {
        if (pixels.length != (long) count * size * size) {
            throw new IllegalArgumentException(count + " images of " + size + "x" + size + " need "
                    + (long) count * size * size + " pixels, found " + pixels.length);
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException(count + " images but " + labels.length + " labels");
        }
        classes = List.copyOf(classes);
    }

    /** Pixels per image. */
    public int dim() {
        return size * size;
    }

    /**
     * The images at some positions, in that order.
     *
     * @param index positions
     * @param from first position of {@code index} to take
     * @param n how many
     * @param dst receives {@code n * dim()} values
     */
    public void gather(int[] index, int from, int n, float[] dst) {
        int d = dim();
        for (int i = 0; i < n; i++) {
            System.arraycopy(pixels, index[from + i] * d, dst, i * d, d);
        }
    }

    /**
     * The images at some positions, as a set of their own (with their labels, when the set has labels).
     *
     * @param index positions
     * @return the images, in that order
     * @since 1.3
     */
    public ImageSet select(int[] index) {
        float[] p = new float[index.length * dim()];
        gather(index, 0, index.length, p);
        int[] l = null;
        if (labels != null) {
            l = new int[index.length];
            for (int i = 0; i < index.length; i++) {
                l[i] = labels[index[i]];
            }
        }
        return new ImageSet(index.length, size, p, l, classes, source);
    }

    /**
     * One image.
     *
     * @param i its position
     * @return a copy of its pixels
     */
    public float[] image(int i) {
        float[] v = new float[dim()];
        System.arraycopy(pixels, i * dim(), v, 0, dim());
        return v;
    }

    /**
     * The first {@code n} images (all when {@code n} is 0 or larger than the count).
     *
     * @param n how many
     * @return this or a prefix
     */
    public ImageSet limit(int n) {
        if (n <= 0 || n >= count) {
            return this;
        }
        float[] p = java.util.Arrays.copyOf(pixels, n * dim());
        int[] l = labels == null ? null : java.util.Arrays.copyOf(labels, n);
        return new ImageSet(n, size, p, l, classes, source);
    }

    /**
     * Training and held-out images.
     *
     * @param train what the model trains on
     * @param test what it is evaluated on
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record Split(ImageSet train, ImageSet test) {
    }
}

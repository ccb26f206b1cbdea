package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.nn.Parallel;
import java.util.Arrays;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Grey-scale images of one size, pixel values in [0,1], with optional class labels.
 *
 * <p>A set holds its pixels as floats, or, when they are 8-bit grey levels (an IDX file's bytes), as the levels
 * themselves ({@link #ofLevels}), pixel = level / 255: Fashion-MNIST's 70,000 images take 55 MB that way instead of
 * 220 MB. Either way every accessor returns floats; a large set is read in batches through {@link #gather} or
 * {@link #select}, which convert only the images they copy.
 *
 * <p>Until API 1.3 this was a record; its accessors keep the record's names.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ImageSet {

    /** Each grey level's pixel value, exactly {@code level / 255f}. */
    private static final float[] LEVEL = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            LEVEL[i] = i / 255f;
        }
    }

    private final int count;
    private final int size;
    private final float[] values;
    private final byte[] levels;
    private final int[] labels;
    private final List<String> classes;
    private final String source;

    /**
     * A set of float pixels.
     *
     * @param count how many images
     * @param size width and height
     * @param pixels {@code count * size * size} values, image after image, row-major (kept, not copied)
     * @param labels a class index per image, or {@code null} when the data have no classes
     * @param classes class names indexed by label (empty without labels)
     * @param source where they came from, for messages
     */
    public ImageSet(int count, int size, float[] pixels, int[] labels, List<String> classes, String source) {
        this(count, size, pixels, null, pixels.length, labels, classes, source);
    }

    private ImageSet(int count, int size, float[] values, byte[] levels, int length, int[] labels, List<String> classes,
                     String source) {
        if (length != (long) count * size * size) {
            throw new IllegalArgumentException(count + " images of " + size + "x" + size + " need "
                    + (long) count * size * size + " pixels, found " + length);
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException(count + " images but " + labels.length + " labels");
        }
        this.count = count;
        this.size = size;
        this.values = values;
        this.levels = levels;
        this.labels = labels;
        this.classes = List.copyOf(classes);
        this.source = source;
    }

    /**
     * A set of 8-bit grey levels, each pixel {@code level / 255} (levels are unsigned bytes).
     *
     * @param count how many images
     * @param size width and height
     * @param levels {@code count * size * size} levels, image after image, row-major (kept, not copied)
     * @param labels a class index per image, or {@code null} when the data have no classes
     * @param classes class names indexed by label (empty without labels)
     * @param source where they came from, for messages
     * @return the set
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public static ImageSet ofLevels(int count, int size, byte[] levels, int[] labels, List<String> classes,
                                    String source) {
        return new ImageSet(count, size, null, levels, levels.length, labels, classes, source);
    }

    /** How many images. */
    public int count() {
        return count;
    }

    /** Width and height. */
    public int size() {
        return size;
    }

    /** A class index per image, or {@code null} when the data have no classes. */
    public int[] labels() {
        return labels;
    }

    /** Class names indexed by label (empty without labels). */
    public List<String> classes() {
        return classes;
    }

    /** Where the images came from, for messages. */
    public String source() {
        return source;
    }

    /** Pixels per image. */
    public int dim() {
        return size * size;
    }

    /**
     * All pixels, image after image: the set's own array when it holds floats, a new one when it holds grey levels
     * (read a large set through {@link #gather} instead).
     *
     * @return {@code count * size * size} values
     */
    public float[] pixels() {
        if (values != null) {
            return values;
        }
        float[] p = new float[levels.length];
        copy(0, p, 0, levels.length);
        return p;
    }

    private void copy(int from, float[] dst, int to, int n) {
        if (values != null) {
            System.arraycopy(values, from, dst, to, n);
        } else {
            for (int i = 0; i < n; i++) {
                dst[to + i] = LEVEL[levels[from + i] & 0xff];
            }
        }
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
        // Images in parallel: a training batch is gathered on the step's path, with the other core waiting.
        Parallel.forParts(n, 16, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                copy(index[from + i] * d, dst, i * d, d);
            }
        });
    }

    /**
     * The images at some positions, as a set of their own holding floats (with their labels, when the set has
     * labels).
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
     * The images at {@code index[from]} to {@code index[from + n - 1]}, as a set that holds what this one holds
     * (grey levels stay levels: a held-out split of a large set costs no more than the set).
     */
    ImageSet subset(int[] index, int from, int n) {
        int d = dim();
        int[] l = null;
        if (labels != null) {
            l = new int[n];
            for (int i = 0; i < n; i++) {
                l[i] = labels[index[from + i]];
            }
        }
        if (values != null) {
            float[] p = new float[n * d];
            gather(index, from, n, p);
            return new ImageSet(n, size, p, l, classes, source);
        }
        byte[] b = new byte[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(levels, index[from + i] * d, b, i * d, d);
        }
        return ofLevels(n, size, b, l, classes, source);
    }

    /**
     * One image.
     *
     * @param i its position
     * @return a copy of its pixels
     */
    public float[] image(int i) {
        float[] v = new float[dim()];
        copy(i * dim(), v, 0, dim());
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
        int[] l = labels == null ? null : Arrays.copyOf(labels, n);
        int length = n * dim();
        return values != null ? new ImageSet(n, size, Arrays.copyOf(values, length), l, classes, source)
                : ofLevels(n, size, Arrays.copyOf(levels, length), l, classes, source);
    }

    /**
     * The same images with their labels renumbered as indices into another list of class names (a model's, whose
     * classes may be ordered otherwise or include more): each image keeps its class by name.
     *
     * @param modelClasses the class names labels index into now; every class of this set must be among them
     * @return this set when nothing changes, else a set sharing the pixels with new labels
     * @throws IllegalArgumentException naming a class that {@code modelClasses} lacks, or when this set has no labels
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public ImageSet relabel(List<String> modelClasses) {
        if (modelClasses.equals(classes)) {
            return this;
        }
        if (labels == null) {
            throw new IllegalArgumentException(source + " has no classes");
        }
        int[] map = new int[classes.size()];
        for (int c = 0; c < map.length; c++) {
            map[c] = modelClasses.indexOf(classes.get(c));
            if (map[c] < 0) {
                throw new IllegalArgumentException(source + " has class '" + classes.get(c) + "', which the model does"
                        + " not know; its classes are " + modelClasses);
            }
        }
        int[] l = new int[count];
        for (int i = 0; i < count; i++) {
            l[i] = map[labels[i]];
        }
        return new ImageSet(count, size, values, levels, values != null ? values.length : levels.length, l,
                modelClasses, source);
    }

    @Override
    public String toString() {
        return "ImageSet[" + count + " images of " + size + "x" + size + (labels != null ? ", " + classes.size()
                + " classes" : "") + ", " + source + "]";
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

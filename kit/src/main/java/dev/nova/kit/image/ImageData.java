package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apiguardian.api.API;

/**
 * Reads image data sets: IDX folders (Fashion-MNIST as Debian's {@code dataset-fashion-mnist} installs it), folders of
 * PNG/JPEG images with classes, and the synthetic {@code builtin:shapes}. Every error names the file and what was
 * wrong.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ImageData {

    /** The prefix of built-in data sets. */
    public static final String BUILTIN = "builtin:";

    private static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private ImageData() {
    }

    /** Where to get the default data, for messages about a missing {@code data.path}. */
    public static final String INSTALL_ADVICE = "for Fashion-MNIST install Debian's dataset-fashion-mnist"
            + " (apt-get install dataset-fashion-mnist), or name an image folder or builtin:shapes";

    /**
     * Loads the training and held-out images a config names.
     *
     * @param pluginId for messages
     * @param location {@code builtin:shapes} or an absolute folder
     * @param size the image size the model uses
     * @param holdout held-out fraction for folders and builtin data
     * @return the split
     * @throws PluginException naming the path and what was wrong
     */
    public static ImageSet.Split load(String pluginId, String location, int size, double holdout) {
        if (location.startsWith(BUILTIN)) {
            String name = location.substring(BUILTIN.length());
            if (!name.equals("shapes")) {
                throw new PluginException(pluginId, "data.path: unknown built-in data set '" + location
                        + "'; the built-in one is builtin:shapes");
            }
            return split(pluginId, Shapes.generate(3000, size, 20_260_101L), holdout);
        }
        Path dir = Path.of(location);
        if (!Files.exists(dir)) {
            throw new PluginException(pluginId, "data.path " + dir + " does not exist; " + INSTALL_ADVICE);
        }
        if (!Files.isDirectory(dir)) {
            throw new PluginException(pluginId, "data.path " + dir + " is a file; expected a folder of IDX files or images");
        }
        if (idx(dir, "train-images-idx3-ubyte") != null) {
            ImageSet train = readIdx(pluginId, dir, "train", size);
            if (idx(dir, "t10k-images-idx3-ubyte") == null) {
                return split(pluginId, train, holdout);
            }
            return new ImageSet.Split(train, readIdx(pluginId, dir, "t10k", size));
        }
        return split(pluginId, readFolder(pluginId, dir, size), holdout);
    }

    /**
     * Whether a folder holds the IDX images of a split.
     *
     * @param dir the folder
     * @param split {@code train} or {@code t10k}
     * @return whether {@code <split>-images-idx3-ubyte[.gz]} is there
     */
    public static boolean hasIdx(Path dir, String split) {
        return idx(dir, split + "-images-idx3-ubyte") != null;
    }

    /** The IDX file of that base name in a folder, gzip-compressed or not, or null. */
    private static Path idx(Path dir, String base) {
        for (String name : List.of(base + ".gz", base)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Reads one split of an IDX folder, with its labels when the labels file is there.
     *
     * @param pluginId for messages
     * @param dir the folder
     * @param split {@code train} or {@code t10k}
     * @param size the image size the model uses (the files must match it)
     * @return the images
     */
    public static ImageSet readIdx(String pluginId, Path dir, String split, int size) {
        Path imagesFile = idx(dir, split + "-images-idx3-ubyte");
        Idx.Array images = Idx.read(pluginId, imagesFile, 3);
        int n = images.dims()[0];
        if (images.dims()[1] != size || images.dims()[2] != size) {
            throw new PluginException(pluginId, imagesFile + ": images are " + images.dims()[1] + "x" + images.dims()[2]
                    + ", the configuration expects " + size + "x" + size + " (data.image-size)");
        }
        int[] labels = null;
        List<String> classes = List.of();
        Path labelsFile = idx(dir, split + "-labels-idx1-ubyte");
        if (labelsFile != null) {
            Idx.Array l = Idx.read(pluginId, labelsFile, 1);
            if (l.dims()[0] != n) {
                throw new PluginException(pluginId, labelsFile + ": " + l.dims()[0] + " labels for " + n + " images in "
                        + imagesFile.getFileName());
            }
            labels = new int[n];
            int max = 0;
            for (int i = 0; i < n; i++) {
                labels[i] = l.data()[i] & 0xff;
                max = Math.max(max, labels[i]);
            }
            List<String> names = new ArrayList<>();
            for (int c = 0; c <= max; c++) {
                names.add(max < FASHION_CLASSES.size() && dir.toString().contains("fashion") ? FASHION_CLASSES.get(c)
                        : Integer.toString(c));
            }
            classes = names;
        }
        return ImageSet.ofLevels(n, size, images.data(), labels, classes, imagesFile.toString());
    }

    /**
     * The images to evaluate on from a path a user gave: an IDX folder's test split ({@code t10k}), or its training
     * split when it has no test split; otherwise a folder of PNG/JPEG images.
     *
     * @param pluginId for messages
     * @param path an IDX folder or an image folder
     * @param size the image size the model uses
     * @return the images
     */
    public static ImageSet readForEvaluation(String pluginId, Path path, int size) {
        if (Files.isDirectory(path) && (hasIdx(path, "t10k") || hasIdx(path, "train"))) {
            return readIdx(pluginId, path, hasIdx(path, "t10k") ? "t10k" : "train", size);
        }
        return readFolder(pluginId, path, size);
    }

    /**
     * Reads every PNG/JPEG under a folder (name order), as grey-scale images of the given size. The name of an
     * image's parent folder, relative to {@code dir}, is its class, unless every image is at the top of {@code dir}
     * (then the images have no classes); one class folder holding every image is data of one class.
     *
     * @param pluginId for messages
     * @param dir the folder
     * @param size width and height after resizing
     * @return the images
     */
    public static ImageSet readFolder(String pluginId, Path dir, int size) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(ImageData::isImageName).sorted().toList();
        } catch (IOException e) {
            throw new PluginException(pluginId, dir + ": cannot list images (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new PluginException(pluginId, "data.path " + dir + " holds no IDX files (train-images-idx3-ubyte[.gz]) and "
                    + "no .png/.jpg/.jpeg images");
        }
        Map<String, Integer> classIndex = new LinkedHashMap<>();
        int[] labels = new int[files.size()];
        float[] px = new float[files.size() * size * size];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            Path parent = dir.relativize(f).getParent();
            String cls = parent == null ? "" : parent.toString();
            labels[i] = classIndex.computeIfAbsent(cls, k -> classIndex.size());
            System.arraycopy(readImage(pluginId, f, size), 0, px, i * size * size, size * size);
        }
        // One class folder holding every image is a class too (a fine-tuning run's data of one class); images all at
        // the top of the folder have none.
        boolean labelled = classIndex.size() > 1 || !classIndex.containsKey("");
        return new ImageSet(files.size(), size, px, labelled ? labels : null,
                labelled ? new ArrayList<>(classIndex.keySet()) : List.of(), dir.toString());
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /**
     * Reads one image file as grey-scale pixels in [0,1], resized to {@code size x size}.
     *
     * @param pluginId for messages
     * @param file a PNG or JPEG file
     * @param size the target width and height
     * @return {@code size * size} values
     * @throws PluginException naming the file when it is not a readable image
     */
    public static float[] readImage(String pluginId, Path file, int size) {
        BufferedImage src;
        try {
            src = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new PluginException(pluginId, file + ": not a readable PNG/JPEG image (" + e.getMessage() + ")", e);
        }
        if (src == null) {
            throw new PluginException(pluginId, file + ": not a readable PNG/JPEG image (no decoder recognised it)");
        }
        BufferedImage gray = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        float[] v = new float[size * size];
        var raster = gray.getRaster();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                v[y * size + x] = raster.getSample(x, y, 0) / 255f;
            }
        }
        return v;
    }

    /**
     * Holds out a fraction, chosen by a fixed shuffle so that every class is represented on both sides.
     *
     * @param pluginId for messages
     * @param all the images
     * @param holdout the held-out fraction
     * @return the split
     */
    public static ImageSet.Split split(String pluginId, ImageSet all, double holdout) {
        int test = (int) Math.round(all.count() * holdout);
        if (holdout > 0 && test == 0 && all.count() > 1) {
            test = 1;
        }
        int train = all.count() - test;
        if (train < 1) {
            throw new PluginException(pluginId, all.source() + ": " + all.count() + " images leave none to train on after "
                    + "holding out " + holdout);
        }
        int[] order = new int[all.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random r = new Random(0x5EED);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new ImageSet.Split(subset(all, order, 0, train), subset(all, order, train, test));
    }

    private static ImageSet subset(ImageSet all, int[] order, int from, int n) {
        return all.subset(order, from, n);
    }
}

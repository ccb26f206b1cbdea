package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import dev.nova.kit.nn.Activation;
import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.Dense;
import dev.nova.kit.nn.Losses;
import dev.nova.kit.nn.ParamSet;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.TrainSettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference feature space of image-quality metrics: a small classifier (pixels → 256 → 64 → classes, ReLU)
 * trained by Nova on a data set's labelled training split, whose 64 penultimate activations are an image's features
 * (as Inception's are for FID) and whose predictions give class consistency. Trained once per data set and cached
 * under its fingerprint ({@link #cacheDirectory()}); its accuracy on the held-out split is reported with every figure
 * measured in its space.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public final class FeatureExtractor implements ReferenceData.Features {

    /** Raised when the architecture or training changes: a cached extractor of another version is trained again. */
    static final int VERSION = 1;
    static final int HIDDEN = 256;
    static final int FEATURES = 64;
    static final int EPOCHS = 3;
    static final int BATCH = 128;
    private static final int MAGIC = 0x4e464531;

    private final ParamSet params;
    private final Dense hidden;
    private final Dense features;
    private final Dense logits;
    private final int dim;
    private final int classes;
    private final String key;
    private Path file;
    private double accuracy;

    private FeatureExtractor(int dim, int classes, String key) {
        this.dim = dim;
        this.classes = classes;
        this.key = key;
        this.params = ParamSet.floats(17);
        this.hidden = new Dense(params, "hidden", dim, HIDDEN, Activation.RELU);
        this.features = new Dense(params, "features", HIDDEN, FEATURES, Activation.RELU);
        this.logits = new Dense(params, "logits", FEATURES, classes, Activation.IDENTITY);
    }

    /**
     * Where extractors are cached: {@code $NOVA_CACHE_DIR/extractors}, else {@code $XDG_CACHE_HOME/nova/extractors},
     * else {@code ~/.cache/nova/extractors}.
     *
     * @return the folder (it may not exist yet)
     */
    public static Path cacheDirectory() {
        String nova = System.getenv("NOVA_CACHE_DIR");
        if (nova != null && !nova.isBlank()) {
            return Path.of(nova, "extractors");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("nova").resolve("extractors");
    }

    /**
     * The extractor of a data set: read from the cache when it holds one for this fingerprint, else trained on the
     * training split (a few seconds to a minute) and cached (written atomically; a cache that cannot be written is
     * only a cost).
     *
     * @param pluginId for messages
     * @param split the data, labelled
     * @param fingerprint the data's fingerprint
     * @param cache the cache folder
     * @return the extractor
     * @throws PluginException when the data has no labels
     */
    public static FeatureExtractor of(String pluginId, ImageSet.Split split, String fingerprint, Path cache) {
        ImageSet train = split.train();
        if (train.labels() == null || train.classes().size() < 2) {
            throw new PluginException(pluginId, train.source() + " has " + (train.labels() == null ? "no classes"
                    : "one class") + ": the reference feature extractor is a classifier trained on images of two"
                    + " classes or more");
        }
        String key = fingerprint.substring(0, Math.min(32, fingerprint.length())) + "-v" + VERSION;
        Path file = cache.resolve(key + ".bin");
        FeatureExtractor e = new FeatureExtractor(train.dim(), train.classes().size(), key);
        e.file = file;
        if (Files.isRegularFile(file) && e.read(file)) {
            return e;
        }
        e.train(train);
        e.accuracy = e.accuracyOn(split.test());
        e.write(file);
        return e;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public double accuracy() {
        return accuracy;
    }

    @Override
    public String description() {
        return "classifier " + dim + "-" + HIDDEN + "-" + FEATURES + "-" + classes + " (ReLU), " + EPOCHS
                + " epochs on the training split; features: its " + FEATURES + " penultimate activations; cached as " + file;
    }

    private void train(ImageSet train) {
        Adam adam = new Adam(new TrainSettings("adam", 1e-3, 0, 0, 0, 0, 0), params);
        int n = train.count();
        int[] order = new int[n];
        java.util.Arrays.setAll(order, i -> i);
        Random r = new Random(VERSION);
        long step = 0;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from + BATCH <= n; from += BATCH) {
                float[] x = new float[BATCH * dim];
                train.gather(order, from, BATCH, x);
                int[] labels = new int[BATCH];
                for (int b = 0; b < BATCH; b++) {
                    labels[b] = train.labels()[order[from + b]];
                }
                INDArray out = logits.forward(features.forward(hidden.forward(Nd4j.create(x, new long[] {BATCH, dim}, 'c'))));
                double[] l = Buffers.doubles(out);
                double[] g = new double[l.length];
                Losses.softmaxCrossEntropy(l, classes, labels, g, 1.0 / BATCH);
                INDArray dy = Buffers.matrix(DataType.FLOAT, g, BATCH, classes);
                hidden.backward(features.backward(logits.backward(dy, true), true), false);
                adam.apply(step++);
            }
        }
    }

    private INDArray forward(List<Sample.Image> images, boolean toLogits) {
        float[] x = new float[images.size() * dim];
        for (int i = 0; i < images.size(); i++) {
            Sample.Image im = images.get(i);
            if (im.channels() != 1 || im.pixels().length != dim) {
                throw new IllegalArgumentException("the extractor takes grey " + dim + "-pixel images, found " + im);
            }
            System.arraycopy(im.pixels(), 0, x, i * dim, dim);
        }
        INDArray f = features.forward(hidden.forward(Nd4j.create(x, new long[] {images.size(), dim}, 'c')));
        return toLogits ? logits.forward(f) : f;
    }

    @Override
    public synchronized float[][] embed(List<Sample.Image> images) {
        float[][] out = new float[images.size()][];
        for (int from = 0; from < images.size(); from += 1000) {
            List<Sample.Image> part = images.subList(from, Math.min(images.size(), from + 1000));
            float[] f = Buffers.floats(forward(part, false));
            for (int i = 0; i < part.size(); i++) {
                out[from + i] = java.util.Arrays.copyOfRange(f, i * FEATURES, (i + 1) * FEATURES);
            }
        }
        return out;
    }

    @Override
    public synchronized int[] classify(List<Sample.Image> images) {
        int[] out = new int[images.size()];
        for (int from = 0; from < images.size(); from += 1000) {
            List<Sample.Image> part = images.subList(from, Math.min(images.size(), from + 1000));
            float[] l = Buffers.floats(forward(part, true));
            for (int i = 0; i < part.size(); i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (l[i * classes + c] > l[i * classes + best]) {
                        best = c;
                    }
                }
                out[from + i] = best;
            }
        }
        return out;
    }

    private double accuracyOn(ImageSet test) {
        if (test.labels() == null || test.count() == 0) {
            return Double.NaN;
        }
        List<Sample.Image> images = new java.util.ArrayList<>(test.count());
        for (int i = 0; i < test.count(); i++) {
            images.add(new Sample.Image(test.size(), test.size(), test.image(i)));
        }
        int[] predicted = classify(images);
        int right = 0;
        for (int i = 0; i < predicted.length; i++) {
            right += predicted[i] == test.labels()[i] ? 1 : 0;
        }
        return (double) right / predicted.length;
    }

    private boolean read(Path file) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION || in.readInt() != dim || in.readInt() != classes) {
                return false;
            }
            accuracy = in.readDouble();
            params.read(in);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + key, ".tmp");
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(dim);
                out.writeInt(classes);
                out.writeDouble(accuracy);
                params.write(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // an unwritable cache only costs the training next time
        }
    }
}

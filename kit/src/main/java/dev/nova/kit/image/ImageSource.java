package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.ModelContext;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A model's image data as its config names it, read on first use (so a model restored only to sample needs no
 * data), with a relative path resolved against the run's base directory and the training set limited.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ImageSource {

    private final String pluginId;
    private final String path;
    private final ModelContext context;
    private final int size;
    private final double holdout;
    private final int limit;
    private ImageSet.Split split;
    private EpochOrder order;
    private List<String> modelClasses;
    private dev.nova.api.ReferenceData reference;

    /**
     * Describes the data; reads nothing.
     *
     * @param pluginId for messages
     * @param path as configured: an IDX folder, an image folder or {@code builtin:shapes}
     * @param context resolves a relative path
     * @param size the image size the model uses
     * @param holdout held-out fraction for folders and built-in data
     * @param limit at most this many training images (0 = all)
     */
    public ImageSource(String pluginId, String path, ModelContext context, int size, double holdout, int limit) {
        this.pluginId = pluginId;
        this.path = path;
        this.context = context;
        this.size = size;
        this.holdout = holdout;
        this.limit = limit;
    }

    /** The path read: built-in names as they are, others resolved against the run's base directory. */
    public String location() {
        return path.startsWith(ImageData.BUILTIN) ? path : context.resolve(path).toString();
    }

    /**
     * The training (limited) and held-out images, read on the first call.
     *
     * @return the split
     */
    public ImageSet.Split get() {
        if (split == null) {
            ImageSet.Split s = ImageData.load(pluginId, location(), size, holdout);
            ImageSet train = s.train().limit(limit);
            ImageSet test = s.test();
            if (modelClasses != null && train.labels() != null) {
                train = relabel(train);
                test = relabel(test);
            }
            split = new ImageSet.Split(train, test);
        }
        return split;
    }

    /**
     * Numbers the data's labels as indices into a model's classes, by name: a model restored or fine-tuned with
     * classes of its own (in its own order, perhaps more than the data has) reads the data so.
     *
     * @param classes the model's class names; empty for a model without classes (nothing is renumbered)
     * @return this source
     * @throws dev.nova.api.PluginException naming a class of the data that the model does not know
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public ImageSource withClasses(List<String> classes) {
        this.modelClasses = classes.isEmpty() ? null : List.copyOf(classes);
        if (split != null && modelClasses != null && split.train().labels() != null) {
            split = new ImageSet.Split(relabel(split.train()), relabel(split.test()));
        }
        return this;
    }

    private ImageSet relabel(ImageSet set) {
        try {
            return set.relabel(modelClasses);
        } catch (IllegalArgumentException e) {
            throw new dev.nova.api.PluginException(pluginId, e.getMessage());
        }
    }

    /**
     * The images as real data for sample-quality metrics ({@code GenerativeModel.referenceData()}): a split's images
     * drawn without replacement by a seeded shuffle, with their labels (numbered as the model's classes); the
     * fingerprint is the SHA-256 of both splits' pixels and labels.
     *
     * <p>Made once per source: its fingerprint (a pass over every image) and feature extractor are computed once,
     * not at every evaluation that measures quality.
     *
     * @param conditional whether the model generates a class on request
     * @return the reference data
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public synchronized dev.nova.api.ReferenceData reference(boolean conditional) {
        if (reference == null || reference.conditional() != conditional) {
            reference = newReference(conditional);
        }
        return reference;
    }

    private dev.nova.api.ReferenceData newReference(boolean conditional) {
        return new dev.nova.api.ReferenceData() {
            private String fingerprint;
            private FeatureExtractor extractor;

            @Override
            public java.util.Optional<Features> features() {
                if (get().train().labels() == null || get().train().classes().size() < 2) {
                    return java.util.Optional.empty();
                }
                if (extractor == null) {
                    extractor = FeatureExtractor.of(pluginId, get(), fingerprint(), FeatureExtractor.cacheDirectory());
                }
                return java.util.Optional.of(extractor);
            }

            @Override
            public List<LabelledImage> images(Split split, int count, long seed) {
                ImageSet set = split == Split.TRAINING ? get().train() : get().test();
                int[] order = new int[set.count()];
                java.util.Arrays.setAll(order, i -> i);
                java.util.Random r = new java.util.Random(seed);
                int n = Math.min(count, order.length);
                for (int i = 0; i < n; i++) {
                    int j = i + r.nextInt(order.length - i);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                List<LabelledImage> out = new java.util.ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int k = order[i];
                    out.add(new LabelledImage(new dev.nova.api.Sample.Image(set.size(), set.size(), set.image(k)),
                            set.labels() == null ? -1 : set.labels()[k]));
                }
                return out;
            }

            @Override
            public List<String> classes() {
                return get().train().classes();
            }

            @Override
            public boolean conditional() {
                return conditional;
            }

            @Override
            public String fingerprint() {
                if (fingerprint != null) {
                    return fingerprint;
                }
                try {
                    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
                    for (ImageSet set : List.of(get().train(), get().test())) {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (set.dim() + 1));
                        for (int i = 0; i < set.count(); i++) {
                            b.clear();
                            for (float v : set.image(i)) {
                                b.putFloat(v);
                            }
                            b.putInt(set.labels() == null ? -1 : set.labels()[i]);
                            d.update(b.array());
                        }
                        d.update(String.join("\n", set.classes()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    fingerprint = java.util.HexFormat.of().formatHex(d.digest());
                    return fingerprint;
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /**
     * The order training visits the (limited) training images in, for a batch size and a run's seed: made on the
     * first call, and again when either changes (after a restore under another seed, say).
     *
     * @param batch images per step
     * @param seed the run's seed
     * @return the order
     * @since 1.3
     */
    public EpochOrder order(int batch, long seed) {
        EpochOrder o = order;
        if (o == null || o.batch() != batch || o.seed() != seed) {
            o = new EpochOrder(get().train().count(), batch, seed);
            order = o;
        }
        return o;
    }

    /**
     * Images {@code [from, to)} of a training step's batch, in the epoch order of {@link #order(int, long)}.
     *
     * @param batch images per step
     * @param seed the run's seed
     * @param step the 0-based step
     * @param from the first image of the batch to take
     * @param to the image after the last
     * @return the images, with their labels when the data has classes
     * @since 1.3
     */
    public ImageSet trainingSlice(int batch, long seed, long step, int from, int to) {
        return get().train().select(java.util.Arrays.copyOfRange(order(batch, seed).step(step), from, to));
    }
}

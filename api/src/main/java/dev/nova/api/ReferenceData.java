package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A model's real data, for sample-quality metrics that any plugin of a modality gets without code of its own
 * ({@link GenerativeModel#referenceData()}): the host compares generated samples with the training data (how much a
 * text model copies) and with held-out data (how far generated images are from real ones), and computes each metric's
 * floor on real data alone.
 *
 * <p>Text models answer {@link #text}; image models {@link #images} and, when their data has classes,
 * {@link #classes}.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public interface ReferenceData {

    /** Which part of the data. */
    enum Split {
        /** What the model trains on. */
        TRAINING,
        /** What it is evaluated on. */
        HELD_OUT
    }

    /**
     * A real image and its class.
     *
     * @param image the image, grey-scale, pixels in [0,1]
     * @param label its class, an index into {@link #classes()}, or -1 when the data has no classes
     */
    record LabelledImage(Sample.Image image, int label) {
        /** Checks the arguments. */
        public LabelledImage {
            Objects.requireNonNull(image, "image");
            if (label < -1) {
                throw new IllegalArgumentException("label must be >= -1, found " + label);
            }
        }
    }

    /**
     * The whole text of a split, as the model reads it (text models).
     *
     * @param split which part
     * @return the text, or empty (the default) for a model that is not a text model
     */
    default Optional<String> text(Split split) {
        return Optional.empty();
    }

    /**
     * Real images of a split (image models): {@code count} of them, or all when the split holds fewer, drawn without
     * replacement by a fixed function of {@code seed}.
     *
     * @param split which part
     * @param count how many, at least 1
     * @param seed the draw
     * @return the images with their labels; empty (the default) for a model that is not an image model
     */
    default List<LabelledImage> images(Split split, int count, long seed) {
        return List.of();
    }

    /**
     * The class names that labels index, which are also the values of {@link GenerationRequest#LABEL} for a
     * class-conditional model.
     *
     * @return the names, empty (the default) when the data has no classes
     */
    default List<String> classes() {
        return List.of();
    }

    /**
     * Whether the model generates a sample of a given class on request ({@link GenerationRequest#LABEL}).
     *
     * @return {@code true} for a class-conditional model; {@code false} by default
     */
    default boolean conditional() {
        return false;
    }

    /**
     * A feature space for images, learnt from this data (image models): the host measures distances between generated
     * and real images in it, and asks it which class a generated image shows.
     *
     * @return the feature space, or empty (the default) when the model offers none (the image metrics are then not
     *     measured)
     */
    default Optional<Features> features() {
        return Optional.empty();
    }

    /**
     * A feature space for images and a classifier in it, learnt from the data's labelled training split.
     */
    interface Features {
        /**
         * The features of images.
         *
         * @param images grey images of the data's size
         * @return one vector per image, all of the same length
         */
        float[][] embed(List<Sample.Image> images);

        /**
         * The class each image shows, as the classifier sees it.
         *
         * @param images grey images of the data's size
         * @return one index into {@link ReferenceData#classes()} per image
         */
        int[] classify(List<Sample.Image> images);

        /**
         * The classifier's accuracy on the held-out split, reported with every figure measured in this space.
         *
         * @return the share of held-out images classified right, or NaN when unknown
         */
        double accuracy();

        /**
         * What the space is, for reports.
         *
         * @return a one-line description
         */
        String description();

        /**
         * The key this space is cached under (the data's fingerprint and the extractor's version).
         *
         * @return the key
         */
        String key();
    }

    /**
     * A stable identity of the data: equal for the same data, different when it changed (the host keys what it
     * computes once per data set on it, such as a feature extractor trained on the training split).
     *
     * @return the fingerprint, for example a SHA-256 of the data read
     */
    String fingerprint();
}

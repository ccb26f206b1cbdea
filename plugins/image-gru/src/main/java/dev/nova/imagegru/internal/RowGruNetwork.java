package dev.nova.imagegru.internal;

import dev.nova.kit.nn.Activation;
import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.Dense;
import dev.nova.kit.nn.GaussianLatent;
import dev.nova.kit.nn.Gru;
import dev.nova.kit.nn.GruSnapshot;
import dev.nova.kit.nn.Losses;
import dev.nova.kit.nn.ParamSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network, on kit's layers: {@code h0 = tanh(Dense([one-hot class; z]))} is the GRU's initial state (every
 * layer's); the GRU reads an image one row per step with the previous row as input (zeros first); a dense head gives
 * the row's pixel logits, scored with the Bernoulli likelihood summed over pixels. In encoder mode an MLP encoder
 * {@code q(z | image, class)} supplies z, trained on the ELBO; in prior mode z is drawn from N(0, I) for each image.
 *
 * <p>Parameters, in order: {@code state.w/b}, the GRU's {@code gru.wx/bx/wh/bh<l>}, {@code head.w/b}, then the
 * encoder's {@code enc<i>.w/b} and {@code stats.w/b}. Not thread-safe: the layers keep one pass's buffers.
 */
public final class RowGruNetwork {

    private final int size;
    private final int classes;
    /** The name of the encoder's first layer, whose input ends with the class code. */
    private String encoderInput = "";
    private final int latent;
    private final int hidden;
    private final int layers;
    private final boolean encoderMode;
    private final ParamSet params;
    private final Dense toState;
    private final Gru gru;
    private final Dense head;
    private final List<Dense> encoder = new ArrayList<>();

    /**
     * Creates a network with PyTorch's default initialisation, drawn from {@code seed} alone.
     *
     * @param size image width and height
     * @param classes classes conditioned on (0 = unconditional)
     * @param latent size of z
     * @param hidden GRU width
     * @param layers GRU layers
     * @param encoderMode whether an encoder supplies z
     * @param widths encoder hidden widths
     * @param activation encoder activation
     * @param seed initialisation seed
     */
    public RowGruNetwork(int size, int classes, int latent, int hidden, int layers, boolean encoderMode,
                         List<Integer> widths, String activation, long seed) {
        this(size, classes, latent, hidden, layers, encoderMode, widths, activation, seed, DataType.FLOAT);
    }

    RowGruNetwork(int size, int classes, int latent, int hidden, int layers, boolean encoderMode, List<Integer> widths,
                  String activation, long seed, DataType type) {
        this.size = size;
        this.classes = classes;
        this.latent = latent;
        this.hidden = hidden;
        this.layers = layers;
        this.encoderMode = encoderMode;
        this.params = new ParamSet(type, seed);
        this.toState = new Dense(params, "state", classes + latent, layers * hidden, Activation.TANH);
        this.gru = new Gru(params, "gru.", size, hidden, layers, 0.0);
        this.head = new Dense(params, "head", hidden, size, Activation.IDENTITY);
        if (encoderMode) {
            Activation act = Activation.of(activation);
            int in = size * size + classes;
            encoderInput = widths.isEmpty() ? "stats" : "enc0";
            for (int i = 0; i < widths.size(); i++) {
                encoder.add(new Dense(params, "enc" + i, in, widths.get(i), act));
                in = widths.get(i);
            }
            encoder.add(new Dense(params, "stats", in, 2 * latent, Activation.IDENTITY));
        }
    }

    /** The parameters and their gradients. */
    public ParamSet params() {
        return params;
    }

    /** Size of z. */
    public int latent() {
        return latent;
    }

    /**
     * Where a parent's class rows go: the state layer's input is the class code then the latent (the block at row 0),
     * the encoder's first layer's the pixels then the class code (the block after the pixels).
     *
     * @param growth where the parent's classes go
     * @return the growth with the encoder's block
     */
    public dev.nova.kit.nn.Growth classGrowth(dev.nova.kit.nn.Growth growth) {
        return encoder.isEmpty() ? growth : growth.withOffset(encoderInput + ".w", size * size);
    }

    /** The classes conditioned on (0 when unconditional). */
    public int classes() {
        return classes;
    }

    /** Pixels per image. */
    public int pixels() {
        return size * size;
    }

    // ---- building inputs -------------------------------------------------------------------------------------

    /** {@code [one-hot(label); z]} per image. */
    private INDArray condition(int[] labels, double[] z, int batch) {
        int width = classes + latent;
        double[] c = new double[batch * width];
        for (int b = 0; b < batch; b++) {
            if (classes > 0) {
                c[b * width + labels[b]] = 1;
            }
            System.arraycopy(z, b * latent, c, b * width + classes, latent);
        }
        return Buffers.matrix(params.type(), c, batch, width);
    }

    /** {@code [image; one-hot(label)]} per image, the encoder's input. */
    private INDArray encoderInput(float[] images, int[] labels, int batch) {
        int d = size * size;
        int width = d + classes;
        double[] v = new double[batch * width];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < d; k++) {
                v[b * width + k] = images[b * d + k];
            }
            if (classes > 0) {
                v[b * width + d + labels[b]] = 1;
            }
        }
        return Buffers.matrix(params.type(), v, batch, width);
    }

    /** The rows the GRU reads, time-major: step t of image b is row t−1 (zeros at t = 0). */
    private INDArray rowInputs(float[] images, int batch) {
        double[] x = new double[size * batch * size];
        for (int t = 1; t < size; t++) {
            for (int b = 0; b < batch; b++) {
                int from = b * size * size + (t - 1) * size;
                int to = (t * batch + b) * size;
                for (int k = 0; k < size; k++) {
                    x[to + k] = images[from + k];
                }
            }
        }
        return Buffers.matrix(params.type(), x, (long) size * batch, size);
    }

    /** The rows the head predicts, time-major: step t of image b is row t. */
    private float[] rowTargets(float[] images, int batch) {
        float[] y = new float[size * batch * size];
        for (int t = 0; t < size; t++) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(images, b * size * size + t * size, y, (t * batch + b) * size, size);
            }
        }
        return y;
    }

    // ---- passes ----------------------------------------------------------------------------------------------

    /**
     * The decoder: per-image negative log-likelihood of the images given the conditions; with a gradient, the
     * backward pass too, returning the gradient with respect to z.
     */
    private double[] decode(float[] images, int[] labels, double[] z, int batch, double gradScale, double[] dz) {
        INDArray cond = condition(labels, z, batch);
        double[] h0 = Buffers.doubles(toState.forward(cond));
        double[][] initial = new double[layers][batch * hidden];
        for (int b = 0; b < batch; b++) {
            for (int l = 0; l < layers; l++) {
                System.arraycopy(h0, b * layers * hidden + l * hidden, initial[l], b * hidden, hidden);
            }
        }
        INDArray rows0 = rowInputs(images, batch);
        INDArray logitsNd = head.forward(dz != null ? gru.forward(rows0, size, batch, initial, (dev.nova.kit.nn.Dropout.Masks) null)
                : gru.infer(rows0, size, batch, initial));
        int n = size * batch * size;
        double[] rows = new double[size * batch];
        float[] gradF = null;
        double[] grad = null;
        if (dz != null && params.type() == DataType.FLOAT) {
            // Training in float: the loss in float arithmetic (Losses' float form), no double copies of the logits.
            float[] logits = Buffers.read(logitsNd, new float[n]);
            gradF = new float[n];
            Losses.bernoulliLogits(logits, rowTargets(images, batch), n, size, gradF, (float) gradScale, rows);
        } else {
            double[] logits = Buffers.read(logitsNd, new double[n]);
            grad = dz != null ? new double[n] : null;
            Losses.bernoulliLogits(logits, rowTargets(images, batch), n, size, grad, gradScale, rows);
        }
        double[] perImage = new double[batch];
        for (int t = 0; t < size; t++) {
            for (int b = 0; b < batch; b++) {
                perImage[b] += rows[t * batch + b];
            }
        }
        if (dz != null) {
            if (gradF != null) {
                Buffers.write(gradF, logitsNd);
            } else {
                Buffers.write(grad, logitsNd);
            }
            gru.backward(head.backward(logitsNd, true), false);
            double[][] dInitial = gru.initialGradient();
            double[] dh0 = new double[batch * layers * hidden];
            for (int b = 0; b < batch; b++) {
                for (int l = 0; l < layers; l++) {
                    System.arraycopy(dInitial[l], b * hidden, dh0, b * layers * hidden + l * hidden, hidden);
                }
            }
            double[] dCond = Buffers.doubles(toState.backward(Buffers.matrix(params.type(), dh0, batch, layers * hidden),
                    true));
            int width = classes + latent;
            for (int b = 0; b < batch; b++) {
                System.arraycopy(dCond, b * width + classes, dz, b * latent, latent);
            }
        }
        return perImage;
    }

    /**
     * The model FLOPs of {@link #lossAndGradients} over {@code batch} images (kit's {@code Flops}): the encoder in
     * encoder mode, the initial state from the condition, the GRU over the rows from that state, and the head.
     *
     * @param batch images
     * @return the FLOPs
     */
    public double trainingFlops(int batch) {
        double total = toState.trainingFlops(batch, true) + gru.trainingFlops(size, batch, true, 0, false)
                + head.trainingFlops((long) size * batch, true);
        if (encoderMode) {
            for (int l = 0; l < encoder.size(); l++) {
                total += encoder.get(l).trainingFlops(batch, l > 0);
            }
        }
        return total;
    }

    /**
     * The loss of one batch and its gradients (in {@link #params()}): the mean over images of the negative
     * log-likelihood summed over pixels, plus (encoder mode) {@code klWeight} times the KL divergence.
     *
     * @param images {@code batch · size²} pixel values in [0, 1]
     * @param labels the classes (ignored when unconditional)
     * @param batch images
     * @param noise image {@code i}'s source of z (prior mode) or ε (encoder mode)
     * @param klWeight weight of the KL term
     * @return {@code [loss, reconstruction, kl]}, each a mean per image
     */
    public double[] lossAndGradients(float[] images, int[] labels, int batch, IntFunction<Random> noise, double klWeight) {
        return lossAndGradients(images, labels, batch, noise, klWeight, 0);
    }

    /**
     * {@link #lossAndGradients(float[], int[], int, IntFunction, double)} with free bits: a latent dimension whose KL is
     * below {@code freeBits} nats gets no KL gradient (the reported loss is the true negative ELBO).
     *
     * @param images {@code batch · size²} pixel values in [0, 1]
     * @param labels the classes (ignored when unconditional)
     * @param batch images
     * @param noise image {@code i}'s source of z (prior mode) or ε (encoder mode)
     * @param klWeight weight of the KL term
     * @param freeBits nats per latent dimension the encoder may use without penalty
     * @return {@code [loss, reconstruction, kl]}, each a mean per image
     */
    public double[] lossAndGradients(float[] images, int[] labels, int batch, IntFunction<Random> noise, double klWeight,
                                     double freeBits) {
        double[] z = new double[batch * latent];
        double[] dz = new double[batch * latent];
        if (!encoderMode) {
            for (int i = 0; i < batch; i++) {
                Random r = noise.apply(i);
                for (int j = 0; j < latent; j++) {
                    z[i * latent + j] = (float) r.nextGaussian();
                }
            }
            double rec = sum(decode(images, labels, z, batch, 1.0 / batch, dz)) / batch;
            return new double[] {rec, rec, 0};
        }
        INDArray statsNd = run(encoder, encoderInput(images, labels, batch));
        double[] stats = Buffers.read(statsNd, new double[batch * 2 * latent]);
        double[] eps = new double[batch * latent];
        GaussianLatent.sample(stats, batch, latent, noise, z, eps);
        double rec = sum(decode(images, labels, z, batch, 1.0 / batch, dz)) / batch;
        double[] dStats = new double[stats.length];
        GaussianLatent.backward(stats, eps, dz, batch, latent, dStats);
        double kl = GaussianLatent.kl(stats, batch, latent, dStats, klWeight / batch, freeBits) / batch;
        Buffers.write(dStats, statsNd);
        for (int l = encoder.size() - 1; l >= 0; l--) {
            statsNd = encoder.get(l).backward(statsNd, l > 0);
        }
        return new double[] {rec + klWeight * kl, rec, kl};
    }

    /**
     * Per-image negative log-likelihood given latent codes (no gradients).
     *
     * @param images the images
     * @param labels their classes
     * @param z their codes, {@code batch · latent}
     * @param batch images
     * @return nats per image
     */
    public double[] nll(float[] images, int[] labels, double[] z, int batch) {
        return decode(images, labels, z, batch, 0, null);
    }

    /**
     * The encoder's output (encoder mode).
     *
     * @param images the images
     * @param labels their classes
     * @param batch images
     * @return per image, μ then log σ²
     */
    public double[] encode(float[] images, int[] labels, int batch) {
        if (!encoderMode) {
            throw new IllegalStateException("a prior-mode model has no encoder");
        }
        return Buffers.read(run(encoder, encoderInput(images, labels, batch)), new double[batch * 2 * latent]);
    }

    private static INDArray run(List<Dense> layers, INDArray x) {
        INDArray h = x;
        for (Dense d : layers) {
            h = d.forward(h);
        }
        return h;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    // ---- generation ------------------------------------------------------------------------------------------

    /**
     * The decoder's parameters as plain arrays, for generating row by row without ND4J (take one per request).
     *
     * @return the snapshot
     */
    public Sampler sampler() {
        return new Sampler(toState.snapshot(), gru.snapshot(), head.snapshot());
    }

    /** Writes images row by row from a condition: O(1) work per row. */
    public final class Sampler {
        private final Dense.Snapshot toState;
        private final GruSnapshot gru;
        private final Dense.Snapshot head;

        private Sampler(Dense.Snapshot toState, GruSnapshot gru, Dense.Snapshot head) {
            this.toState = toState;
            this.gru = gru;
            this.head = head;
        }

        /**
         * The condition vector {@code [one-hot(label); z]}.
         *
         * @param label the class (ignored when unconditional)
         * @param z the code
         * @return {@code classes + latent} values
         */
        public float[] condition(int label, double[] z) {
            float[] c = new float[classes + latent];
            if (classes > 0) {
                c[label] = 1;
            }
            for (int j = 0; j < latent; j++) {
                c[classes + j] = (float) z[j];
            }
            return c;
        }

        /**
         * Generates one image.
         *
         * @param condition from {@link #condition} (or a blend of two, to interpolate)
         * @param bernoulli feed back Bernoulli draws of each row instead of its pixel means
         * @param random the draws' source
         * @return {@code size²} pixel means
         */
        public float[] generate(float[] condition, boolean bernoulli, Random random) {
            float[] h0 = toState.apply(condition);
            float[][] initial = new float[layers][];
            for (int l = 0; l < layers; l++) {
                initial[l] = java.util.Arrays.copyOfRange(h0, l * hidden, (l + 1) * hidden);
            }
            GruSnapshot.Stepper stepper = gru.stepper(initial);
            float[] row = new float[size];
            float[] image = new float[size * size];
            for (int t = 0; t < size; t++) {
                float[] logits = head.apply(stepper.step(row));
                for (int k = 0; k < size; k++) {
                    float p = (float) Activation.sigmoid(logits[k]);
                    image[t * size + k] = p;
                    row[k] = bernoulli ? (random.nextDouble() < p ? 1f : 0f) : p;
                }
            }
            return image;
        }
    }
}

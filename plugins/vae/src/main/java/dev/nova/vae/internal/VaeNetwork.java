package dev.nova.vae.internal;

import dev.nova.kit.nn.Activation;
import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.Dense;
import dev.nova.kit.nn.GaussianLatent;
import dev.nova.kit.nn.Losses;
import dev.nova.kit.nn.Parallel;
import dev.nova.kit.nn.ParamSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network on kit's dense layers: an MLP encoder to {@code (μ, log σ²)}, a reparameterised
 * {@code z = μ + σ·ε}, and an MLP decoder to per-pixel logits. PyTorch's {@code nn.Linear} initialisation and loss
 * (summed over pixels, averaged over the batch) are followed so that parity runs compare like with like. Parameters,
 * in order: {@code enc<i>.w/b}, {@code stats.w/b}, {@code dec<i>.w/b}, {@code out.w/b} (payload format 1's order).
 *
 * <p>Not thread-safe: the layers keep one pass's buffers from call to call.
 */
public final class VaeNetwork {

    private final int dim;
    private final int latent;
    private final boolean gaussian;
    private final double sigma;
    private final ParamSet params;
    private final List<Dense> encoder = new ArrayList<>();
    private final List<Dense> decoder = new ArrayList<>();
    private final Map<Long, INDArray> inputs = new HashMap<>();
    /** The decoder's logits and their gradient on the heap (float training; grown to the largest batch). */
    private float[] logitsJ = new float[0];
    private float[] gradientJ = new float[0];
    /**
     * The training batch's latent codes: the decoder's input, kept by its first layer for the backward pass, made
     * again only when the batch size changes (not one native array a step). Apart from the images' arrays, so that
     * the codes never overwrite the encoder's input before its backward pass.
     */
    private INDArray codes;

    /**
     * Creates a network with PyTorch's default initialisation, drawn from {@code seed} alone.
     *
     * @param dim pixels per image
     * @param encoderWidths encoder hidden widths
     * @param latent size of z
     * @param decoderWidths decoder hidden widths
     * @param activation {@code relu}, {@code leaky-relu} or {@code tanh}
     * @param likelihood {@code bernoulli} or {@code gaussian}
     * @param sigma standard deviation of the gaussian likelihood
     * @param seed initialisation seed
     */
    public VaeNetwork(int dim, List<Integer> encoderWidths, int latent, List<Integer> decoderWidths, String activation,
                      String likelihood, double sigma, long seed) {
        this(dim, encoderWidths, latent, decoderWidths, activation, likelihood, sigma, seed, DataType.FLOAT);
    }

    VaeNetwork(int dim, List<Integer> encoderWidths, int latent, List<Integer> decoderWidths, String activation,
               String likelihood, double sigma, long seed, DataType type) {
        this.dim = dim;
        this.latent = latent;
        this.gaussian = likelihood.equals("gaussian");
        this.sigma = sigma;
        this.params = new ParamSet(type, seed);
        Activation act = Activation.of(activation);
        int in = dim;
        for (int i = 0; i < encoderWidths.size(); i++) {
            encoder.add(new Dense(params, "enc" + i, in, encoderWidths.get(i), act));
            in = encoderWidths.get(i);
        }
        // μ and log σ² from one product: columns [0, latent) are μ, [latent, 2·latent) log σ².
        encoder.add(new Dense(params, "stats", in, 2 * latent, Activation.IDENTITY));
        in = latent;
        for (int i = 0; i < decoderWidths.size(); i++) {
            decoder.add(new Dense(params, "dec" + i, in, decoderWidths.get(i), act));
            in = decoderWidths.get(i);
        }
        decoder.add(new Dense(params, "out", in, dim, Activation.IDENTITY));
    }

    /** The parameters and their gradients. */
    public ParamSet params() {
        return params;
    }

    /** Pixels per image. */
    public int dim() {
        return dim;
    }

    /** Size of z. */
    public int latent() {
        return latent;
    }

    private INDArray matrix(float[] values, int rows, int cols) {
        if (inputs.size() > 8) {
            inputs.clear();
        }
        INDArray a = inputs.computeIfAbsent(((long) rows << 32) | cols, k -> Nd4j.create(params.type(), rows, cols));
        Buffers.write(values, rows * cols, a);
        return a;
    }

    private static INDArray run(List<Dense> layers, INDArray x) {
        INDArray h = x;
        for (Dense d : layers) {
            h = d.forward(h);
        }
        return h;
    }

    private static INDArray back(List<Dense> layers, INDArray dy, boolean inputGradient) {
        INDArray d = dy;
        for (int l = layers.size() - 1; l >= 0; l--) {
            d = layers.get(l).backward(d, l > 0 || inputGradient);
        }
        return d;
    }

    /**
     * The model FLOPs of {@link #lossAndGradients} over {@code batch} images (kit's {@code Flops}): the encoder
     * (no gradient for the images) and the decoder (with the latent's).
     *
     * @param batch images
     * @return the FLOPs
     */
    public double trainingFlops(int batch) {
        double total = 0;
        for (int l = 0; l < encoder.size(); l++) {
            total += encoder.get(l).trainingFlops(batch, l > 0);
        }
        for (Dense d : decoder) {
            total += d.trainingFlops(batch, true);
        }
        return total;
    }

    /**
     * The loss of one batch and its gradients (in {@link #params()}): the mean over images of the negative
     * log-likelihood summed over pixels plus {@code klWeight} times the KL divergence.
     *
     * @param images {@code batch * dim} pixel values
     * @param batch images in the batch
     * @param noise image {@code i}'s source of the ε of the reparameterisation
     * @param klWeight weight of the KL term
     * @return {@code [loss, reconstruction, kl]}, each a mean per image
     */
    public double[] lossAndGradients(float[] images, int batch, IntFunction<Random> noise, double klWeight) {
        INDArray statsNd = run(encoder, matrix(images, batch, dim));
        double[] stats = Buffers.read(statsNd, new double[batch * 2 * latent]);
        double[] eps = new double[batch * latent];
        double[] z = new double[batch * latent];
        GaussianLatent.sample(stats, batch, latent, noise, z, eps);
        if (codes == null || codes.rows() != batch) {
            codes = Nd4j.create(params.type(), batch, latent);
        }
        INDArray zNd = codes;
        Buffers.write(z, zNd);
        INDArray logitsNd = run(decoder, zNd);
        int n = batch * dim;
        double rec;
        if (!gaussian && params.type() == DataType.FLOAT) {
            // Float logits and gradient straight between the heap and the output's buffer: the loss in float
            // arithmetic (Losses' float form), no double copies of 100 k pixels.
            if (logitsJ.length < n) {
                logitsJ = new float[n];
                gradientJ = new float[n];
            }
            float[] logits = logitsJ;
            Buffers.readPart(logitsNd, 0, logits, n);
            rec = Losses.bernoulliLogits(logits, images, n, dim, gradientJ, 1f / batch, null);
            Buffers.write(gradientJ, n, logitsNd);
        } else {
            double[] logits = Buffers.read(logitsNd, new double[n]);
            double[] dl = new double[n];
            if (!gaussian) {
                rec = Losses.bernoulliLogits(logits, images, n, dim, dl, 1.0 / batch, null);
            } else {
                double[] means = sigmoid(logits);
                rec = Losses.gaussian(means, images, n, dim, sigma, dl, 1.0 / batch, null);
                Parallel.forRange(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        dl[i] *= means[i] * (1 - means[i]);
                    }
                });
            }
            Buffers.write(dl, logitsNd);
        }
        double[] dz = Buffers.doubles(back(decoder, logitsNd, true));

        // Through z = μ + σ·ε into the stats, plus the KL term's own gradient.
        double[] dStats = new double[batch * 2 * latent];
        GaussianLatent.backward(stats, eps, dz, batch, latent, dStats);
        double kl = GaussianLatent.kl(stats, batch, latent, dStats, klWeight / batch);
        Buffers.write(dStats, statsNd);
        back(encoder, statsNd, false);
        double recMean = rec / batch;
        double klMean = kl / batch;
        return new double[] {recMean + klWeight * klMean, recMean, klMean};
    }

    private static double[] sigmoid(double[] logits) {
        double[] m = new double[logits.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = Activation.sigmoid(logits[i]);
        }
        return m;
    }

    /**
     * Encodes images.
     *
     * @param images {@code batch * dim} pixel values
     * @param batch how many
     * @return {@code batch * 2·latent} values: per image, μ then log σ²
     */
    public double[] encode(float[] images, int batch) {
        return Buffers.read(run(encoder, matrix(images, batch, dim)), new double[batch * 2 * latent]);
    }

    /**
     * Decodes latent codes to per-pixel logits.
     *
     * @param z {@code batch * latent} values
     * @param batch how many
     * @return {@code batch * dim} logits
     */
    public float[] decodeLogits(double[] z, int batch) {
        return Buffers.read(run(decoder, Buffers.matrix(params.type(), z, batch, latent)), new float[batch * dim]);
    }

    /**
     * Decodes latent codes to images: the decoder's mean, in [0,1].
     *
     * @param z {@code batch * latent} values
     * @param batch how many
     * @return {@code batch * dim} pixel values
     */
    public float[] decode(double[] z, int batch) {
        float[] logits = decodeLogits(z, batch);
        float[] px = new float[batch * dim];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) Activation.sigmoid(logits[i]);
        }
        return px;
    }

    /**
     * {@code log p(x | z)} summed over pixels, per image.
     *
     * @param images the images
     * @param logits the decoder's logits for them
     * @param batch how many
     * @return one value per image
     */
    public double[] logLikelihood(float[] images, float[] logits, int batch) {
        int n = batch * dim;
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = logits[i];
        }
        double[] nll = new double[batch];
        if (!gaussian) {
            Losses.bernoulliLogits(l, images, n, dim, null, 0, nll);
        } else {
            Losses.gaussian(sigmoid(l), images, n, dim, sigma, null, 0, nll);
        }
        for (int i = 0; i < batch; i++) {
            nll[i] = -nll[i];
        }
        return nll;
    }
}

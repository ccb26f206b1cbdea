package dev.nova.vae.internal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network: an MLP encoder to {@code (μ, log σ²)}, a reparameterised {@code z = μ + σ·ε}, and an MLP decoder to
 * per-pixel logits, with its forward and backward passes written directly on ND4J arrays.
 *
 * <p>Matrix products run as BLAS {@code gemm} into preallocated arrays; the element-wise parts (bias, activation,
 * likelihood, KL, and their derivatives) run in Java on bulk copies, which measured cheaper than one ND4J op per
 * element-wise step. PyTorch's {@code nn.Linear} initialisation (uniform ±1/√fan-in for weights and biases) and
 * loss (summed over pixels, averaged over the batch) are followed so that parity runs compare like with like.
 *
 * <p>Not thread-safe: one pass's buffers are reused from call to call.
 */
public final class VaeNetwork {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /** One fully connected layer: {@code y = x·w + b}. */
    private record Dense(String name, int in, int out, INDArray w, INDArray b, float[] bias) {
    }

    private final int dim;
    private final int latent;
    private final Activation activation;
    private final boolean gaussian;
    private final double sigma;
    private final Dense[] encoder;
    private final Dense[] decoder;
    private final LinkedHashMap<String, INDArray> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, INDArray> grads = new LinkedHashMap<>();
    private final Map<Integer, Pass> passes = new HashMap<>();

    /** The activation of hidden layers. */
    enum Activation {
        RELU, LEAKY_RELU, TANH;

        static Activation of(String name) {
            return switch (name) {
                case "relu" -> RELU;
                case "leaky-relu" -> LEAKY_RELU;
                case "tanh" -> TANH;
                default -> throw new IllegalArgumentException("unknown activation " + name);
            };
        }
    }

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
        this.dim = dim;
        this.latent = latent;
        this.activation = Activation.of(activation);
        this.gaussian = likelihood.equals("gaussian");
        this.sigma = sigma;
        Random r = new Random(seed);
        encoder = new Dense[encoderWidths.size() + 1];
        int in = dim;
        for (int i = 0; i < encoderWidths.size(); i++) {
            encoder[i] = dense(r, "enc" + i, in, encoderWidths.get(i));
            in = encoderWidths.get(i);
        }
        // μ and log σ² from one product: columns [0, latent) are μ, [latent, 2·latent) log σ².
        encoder[encoderWidths.size()] = dense(r, "stats", in, 2 * latent);
        decoder = new Dense[decoderWidths.size() + 1];
        in = latent;
        for (int i = 0; i < decoderWidths.size(); i++) {
            decoder[i] = dense(r, "dec" + i, in, decoderWidths.get(i));
            in = decoderWidths.get(i);
        }
        decoder[decoderWidths.size()] = dense(r, "out", in, dim);
    }

    private Dense dense(Random r, String name, int in, int out) {
        double k = 1 / Math.sqrt(in);
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((r.nextDouble() * 2 - 1) * k);
        }
        float[] b = new float[out];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) ((r.nextDouble() * 2 - 1) * k);
        }
        Dense d = new Dense(name, in, out, Nd4j.create(w, new long[] {in, out}, 'c'), Nd4j.create(b, new long[] {1, out}, 'c'),
                new float[out]);
        params.put(name + ".w", d.w);
        params.put(name + ".b", d.b);
        grads.put(name + ".w", Nd4j.create(DataType.FLOAT, in, out));
        grads.put(name + ".b", Nd4j.create(DataType.FLOAT, 1, out));
        return d;
    }

    /** The parameters by name, in a fixed order; updated in place by the optimiser. */
    public Map<String, INDArray> params() {
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

    /** The buffers of one batch size. */
    private final class Pass {
        final int batch;
        final INDArray x;
        final INDArray ones;
        final INDArray[] enc;
        final float[][] encJ;
        final INDArray[] encGrad;
        final float[][] encGradJ;
        final INDArray z;
        final float[] zJ;
        final float[] eps;
        final INDArray[] dec;
        final float[][] decJ;
        final INDArray[] decGrad;
        final float[][] decGradJ;
        final INDArray zGrad;
        final float[] xJ;

        Pass(int batch) {
            this.batch = batch;
            x = Nd4j.create(DataType.FLOAT, batch, dim);
            xJ = new float[batch * dim];
            ones = Nd4j.ones(DataType.FLOAT, 1, batch);
            enc = new INDArray[encoder.length];
            encJ = new float[encoder.length][];
            encGrad = new INDArray[encoder.length];
            encGradJ = new float[encoder.length][];
            for (int i = 0; i < encoder.length; i++) {
                enc[i] = Nd4j.create(DataType.FLOAT, batch, encoder[i].out);
                encJ[i] = new float[batch * encoder[i].out];
                encGrad[i] = Nd4j.create(DataType.FLOAT, batch, encoder[i].out);
                encGradJ[i] = new float[batch * encoder[i].out];
            }
            z = Nd4j.create(DataType.FLOAT, batch, latent);
            zJ = new float[batch * latent];
            eps = new float[batch * latent];
            zGrad = Nd4j.create(DataType.FLOAT, batch, latent);
            dec = new INDArray[decoder.length];
            decJ = new float[decoder.length][];
            decGrad = new INDArray[decoder.length];
            decGradJ = new float[decoder.length][];
            for (int i = 0; i < decoder.length; i++) {
                dec[i] = Nd4j.create(DataType.FLOAT, batch, decoder[i].out);
                decJ[i] = new float[batch * decoder[i].out];
                decGrad[i] = Nd4j.create(DataType.FLOAT, batch, decoder[i].out);
                decGradJ[i] = new float[batch * decoder[i].out];
            }
        }

        /** μ is at {@code stats[i·2L + j]}, log σ² at {@code stats[i·2L + L + j]}. */
        float[] stats() {
            return encJ[encoder.length - 1];
        }

        float[] logits() {
            return decJ[decoder.length - 1];
        }
    }

    private Pass pass(int batch) {
        // Keep the full training batch, the last partial one and the evaluation batch; drop odd sizes.
        if (passes.size() > 4 && !passes.containsKey(batch)) {
            passes.clear();
        }
        return passes.computeIfAbsent(batch, Pass::new);
    }

    // ---- training -------------------------------------------------------------------------------------------

    /**
     * The loss of one batch and its gradients ({@link #gradients()}): the mean over images of the negative
     * log-likelihood summed over pixels plus {@code klWeight} times the KL divergence.
     *
     * @param images {@code batch * dim} pixel values
     * @param batch images in the batch
     * @param noise draws the ε of the reparameterisation
     * @param klWeight weight of the KL term
     * @return {@code [loss, reconstruction, kl]}, each a mean per image
     */
    public double[] lossAndGradients(float[] images, int batch, Random noise, double klWeight) {
        Pass p = pass(batch);
        System.arraycopy(images, 0, p.xJ, 0, batch * dim);
        write(p.xJ, p.x);
        forward(encoder, p.x, p.enc, p.encJ);
        sampleZ(p, noise);
        forward(decoder, p.z, p.dec, p.decJ);

        // Likelihood: per-pixel NLL and its gradient with respect to the logits, already divided by the batch.
        float[] logits = p.logits();
        float[] x = p.xJ;
        float inv = 1f / batch;
        float[] dl = logits; // overwritten in place with d(loss)/d(logit)
        double rec;
        if (!gaussian) {
            rec = Parallel.sum(batch * dim, (from, to) -> {
                double part = 0;
                for (int i = from; i < to; i++) {
                    float l = logits[i];
                    float e = (float) Math.exp(-Math.abs(l));
                    float onePlus = 1 + e;
                    part += Math.max(l, 0f) - x[i] * l + Math.log(onePlus);
                    float sig = (l >= 0 ? 1 : e) / onePlus;
                    dl[i] = (sig - x[i]) * inv;
                }
                return part;
            });
        } else {
            double var = sigma * sigma;
            rec = Parallel.sum(batch * dim, (from, to) -> {
                double part = 0;
                for (int i = from; i < to; i++) {
                    float l = logits[i];
                    double e = Math.exp(-Math.abs(l));
                    double m = l >= 0 ? 1 / (1 + e) : e / (1 + e);
                    double diff = m - x[i];
                    part += 0.5 * diff * diff / var;
                    dl[i] = (float) (diff / var * m * (1 - m) * inv);
                }
                return part;
            }) + batch * dim * (Math.log(sigma) + 0.5 * LOG_2PI);
        }
        write(dl, p.dec[decoder.length - 1]);
        backward(decoder, p.z, p.dec, p.decJ, p.decGrad, p.decGradJ, p.zGrad, p.ones);

        // Through z = μ + σ·ε into the stats, plus the KL term's own gradient.
        float[] dz = readInto(p.zGrad, p.zJ);
        float[] stats = p.stats();
        double kl = 0;
        int l2 = 2 * latent;
        float klInv = (float) (klWeight / batch);
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < latent; j++) {
                int m = i * l2 + j;
                int v = m + latent;
                double mu = stats[m];
                double lv = stats[v];
                double sd = Math.exp(0.5 * lv);
                kl += -0.5 * (1 + lv - mu * mu - sd * sd);
                float g = dz[i * latent + j];
                stats[m] = (float) (g + klInv * mu);
                stats[v] = (float) (g * p.eps[i * latent + j] * 0.5 * sd + klInv * 0.5 * (sd * sd - 1));
            }
        }
        write(stats, p.enc[encoder.length - 1]);
        backward(encoder, p.x, p.enc, p.encJ, p.encGrad, p.encGradJ, null, p.ones);
        double recMean = rec / batch;
        double klMean = kl / batch;
        return new double[] {recMean + klWeight * klMean, recMean, klMean};
    }

    /** The gradients of the last {@link #lossAndGradients} call, by parameter name (the optimiser may modify them). */
    public Map<String, INDArray> gradients() {
        return grads;
    }

    private void sampleZ(Pass p, Random noise) {
        reparameterise(p.stats(), p.batch, noise, p.zJ, p.eps);
        write(p.zJ, p.z);
    }

    /**
     * Draws {@code z = μ + exp(½ log σ²)·ε} for each image, with ε from {@code noise} in row order.
     *
     * @param stats the encoder's output: per image μ then log σ² ({@link #encode})
     * @param batch how many images
     * @param noise the source of ε
     * @param z receives {@code batch * latent} codes
     * @param eps receives the ε drawn
     */
    public void reparameterise(float[] stats, int batch, Random noise, float[] z, float[] eps) {
        int l2 = 2 * latent;
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < latent; j++) {
                float e = (float) noise.nextGaussian();
                eps[i * latent + j] = e;
                z[i * latent + j] = stats[i * l2 + j] + e * (float) Math.exp(0.5 * stats[i * l2 + latent + j]);
            }
        }
    }

    private void forward(Dense[] layers, INDArray input, INDArray[] out, float[][] outJ) {
        INDArray in = input;
        for (int l = 0; l < layers.length; l++) {
            Dense d = layers[l];
            Nd4j.gemm(in, d.w, out[l], false, false, 1.0, 0.0);
            float[] v = readInto(out[l], outJ[l]);
            float[] b = readInto(d.b, d.bias);
            boolean last = l == layers.length - 1;
            int n = d.out;
            Activation act = last ? null : activation;
            Parallel.forRange(v.length, (from, to) -> {
                int c = from % n;
                for (int i = from; i < to; i++) {
                    float s = v[i] + b[c];
                    v[i] = act == null ? s : act == Activation.RELU ? (s > 0 ? s : 0f) : activate(act, s);
                    if (++c == n) {
                        c = 0;
                    }
                }
            });
            if (!last) {
                write(v, out[l]);
            }
            in = out[l];
        }
    }

    /**
     * Back through a stack whose last output's gradient is in {@code out[last]} (overwriting it); writes the
     * input's gradient into {@code inputGrad} when it is not null.
     */
    private void backward(Dense[] layers, INDArray input, INDArray[] out, float[][] outJ, INDArray[] gradBuf,
                          float[][] gradJ, INDArray inputGrad, INDArray ones) {
        INDArray dPre = out[layers.length - 1];
        for (int l = layers.length - 1; l >= 0; l--) {
            Dense d = layers[l];
            INDArray in = l == 0 ? input : out[l - 1];
            Nd4j.gemm(in, dPre, grads.get(d.name + ".w"), true, false, 1.0, 0.0);
            Nd4j.gemm(ones, dPre, grads.get(d.name + ".b"), false, false, 1.0, 0.0);
            if (l == 0) {
                if (inputGrad != null) {
                    Nd4j.gemm(dPre, d.w, inputGrad, false, true, 1.0, 0.0);
                }
                break;
            }
            INDArray dIn = gradBuf[l - 1];
            Nd4j.gemm(dPre, d.w, dIn, false, true, 1.0, 0.0);
            float[] a = outJ[l - 1];
            float[] g = readInto(dIn, gradJ[l - 1]);
            Activation act = activation;
            Parallel.forRange(a.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    g[i] *= act == Activation.RELU ? (a[i] > 0 ? 1f : 0f) : derivative(act, a[i]);
                }
            });
            write(g, dIn);
            dPre = dIn;
        }
    }

    private static float activate(Activation activation, float s) {
        return switch (activation) {
            case RELU -> s > 0 ? s : 0f;
            case LEAKY_RELU -> s > 0 ? s : 0.01f * s;
            case TANH -> (float) Math.tanh(s);
        };
    }

    /** The activation's derivative, from its output. */
    private static float derivative(Activation activation, float a) {
        return switch (activation) {
            case RELU -> a > 0 ? 1f : 0f;
            case LEAKY_RELU -> a > 0 ? 1f : 0.01f;
            case TANH -> 1 - a * a;
        };
    }

    // ---- inference ------------------------------------------------------------------------------------------

    /**
     * Encodes images.
     *
     * @param images {@code batch * dim} pixel values
     * @param batch how many
     * @return {@code batch * 2·latent} values: per image, μ then log σ²
     */
    public float[] encode(float[] images, int batch) {
        Pass p = pass(batch);
        System.arraycopy(images, 0, p.xJ, 0, batch * dim);
        write(p.xJ, p.x);
        forward(encoder, p.x, p.enc, p.encJ);
        return p.stats().clone();
    }

    /**
     * Decodes latent codes to per-pixel logits.
     *
     * @param z {@code batch * latent} values
     * @param batch how many
     * @return {@code batch * dim} logits (a view of an internal buffer, valid until the next call)
     */
    public float[] decodeLogits(float[] z, int batch) {
        Pass p = pass(batch);
        System.arraycopy(z, 0, p.zJ, 0, batch * latent);
        write(p.zJ, p.z);
        forward(decoder, p.z, p.dec, p.decJ);
        return p.logits();
    }

    /**
     * Decodes latent codes to images: the decoder's mean, in [0,1].
     *
     * @param z {@code batch * latent} values
     * @param batch how many
     * @return {@code batch * dim} pixel values
     */
    public float[] decode(float[] z, int batch) {
        float[] logits = decodeLogits(z, batch);
        float[] px = new float[batch * dim];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (1 / (1 + Math.exp(-logits[i])));
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
        double[] ll = new double[batch];
        double var = sigma * sigma;
        double norm = dim * (Math.log(sigma) + 0.5 * LOG_2PI);
        for (int i = 0; i < batch; i++) {
            double s = 0;
            for (int k = i * dim; k < (i + 1) * dim; k++) {
                float l = logits[k];
                double e = Math.exp(-Math.abs(l));
                if (!gaussian) {
                    s -= Math.max(l, 0f) - images[k] * l + Math.log(1 + e);
                } else {
                    double m = l >= 0 ? 1 / (1 + e) : e / (1 + e);
                    double diff = m - images[k];
                    s -= 0.5 * diff * diff / var;
                }
            }
            ll[i] = gaussian ? s - norm : s;
        }
        return ll;
    }

    // ---- array copies ---------------------------------------------------------------------------------------

    private static void write(float[] v, INDArray a) {
        new FloatPointer(a.data().addressPointer()).put(v, 0, (int) a.length());
    }

    private static float[] readInto(INDArray a, float[] dst) {
        new FloatPointer(a.data().addressPointer()).get(dst, 0, (int) a.length());
        return dst;
    }
}

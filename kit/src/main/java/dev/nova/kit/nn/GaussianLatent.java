package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * A diagonal Gaussian latent code q(z | x) = N(μ, σ²) against the prior N(0, I), as variational autoencoders use
 * it: the reparameterised draw {@code z = μ + σ·ε}, the KL divergence with its gradient, the backward pass through
 * the draw, and the importance weights of the IWAE bound.
 *
 * <p>An encoder's output ("stats") holds, per item, {@code latent} means followed by {@code latent} log-variances.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class GaussianLatent {

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private GaussianLatent() {
    }

    /**
     * Draws {@code z = μ + exp(½ log σ²)·ε}, ε item by item from {@code noise} (each ε rounded to float, so the
     * float and double paths draw the same codes).
     *
     * @param stats per item, μ then log σ²
     * @param batch items
     * @param latent size of z
     * @param noise the source of ε (keyed by step: see {@code dev.nova.kit.support.Seeds})
     * @param z receives {@code batch·latent} codes
     * @param eps receives the ε drawn
     */
    public static void sample(double[] stats, int batch, int latent, Random noise, double[] z, double[] eps) {
        // One source for every item: drawn from in item order, on this thread.
        draw(stats, 0, batch, latent, i -> noise, z, eps);
    }

    /**
     * Draws {@code z = μ + exp(½ log σ²)·ε}, item {@code i}'s ε from its own source {@code noise.apply(i)}
     * (keyed by step and item: see {@code dev.nova.kit.support.Seeds#items}), so that an item's code never
     * depends on how the batch is sliced. Items are drawn in parallel (a VAE's 128 x 32 codes took 0.2 ms on one
     * thread while the other core waited): each source is asked for, and drawn from, by one thread, so each must be
     * its item's own.
     *
     * @param stats per item, μ then log σ²
     * @param batch items
     * @param latent size of z
     * @param noise item {@code i}'s source of ε
     * @param z receives {@code batch·latent} codes
     * @param eps receives the ε drawn
     * @since 0.2
     */
    public static void sample(double[] stats, int batch, int latent, IntFunction<Random> noise, double[] z, double[] eps) {
        Parallel.forParts(batch, 8, (i0, i1) -> draw(stats, i0, i1, latent, noise, z, eps));
    }

    private static void draw(double[] stats, int from, int to, int latent, IntFunction<Random> noise, double[] z,
                             double[] eps) {
        int l2 = 2 * latent;
        for (int i = from; i < to; i++) {
            Random r = noise.apply(i);
            for (int j = 0; j < latent; j++) {
                double e = (float) r.nextGaussian();
                eps[i * latent + j] = e;
                z[i * latent + j] = stats[i * l2 + j] + e * Math.exp(0.5 * stats[i * l2 + latent + j]);
            }
        }
    }

    /**
     * The means of the codes (no noise), for reconstruction and interpolation.
     *
     * @param stats per item, μ then log σ²
     * @param batch items
     * @param latent size of z
     * @return {@code batch·latent} means
     */
    public static double[] means(double[] stats, int batch, int latent) {
        double[] mu = new double[batch * latent];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(stats, i * 2 * latent, mu, i * latent, latent);
        }
        return mu;
    }

    /**
     * The gradient through the draw: {@code dμ = dz}, {@code d log σ² = dz·ε·½σ} (overwrites {@code dStats}).
     *
     * @param stats per item, μ then log σ²
     * @param eps the ε of the draw
     * @param dz the loss's gradient with respect to z
     * @param batch items
     * @param latent size of z
     * @param dStats receives the gradient with respect to the stats
     */
    public static void backward(double[] stats, double[] eps, double[] dz, int batch, int latent, double[] dStats) {
        int l2 = 2 * latent;
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < latent; j++) {
                double sd = Math.exp(0.5 * stats[i * l2 + latent + j]);
                double g = dz[i * latent + j];
                dStats[i * l2 + j] = g;
                dStats[i * l2 + latent + j] = g * eps[i * latent + j] * 0.5 * sd;
            }
        }
    }

    /**
     * {@code KL(q ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²)}, summed over the batch; optionally adds
     * {@code scale} times its gradient to {@code dStats}.
     *
     * @param stats per item, μ then log σ²
     * @param batch items
     * @param latent size of z
     * @param dStats receives {@code += scale·∂KL/∂stats}, or {@code null}
     * @param scale the gradient's factor (for example β / batch)
     * @return the summed divergence in nats
     */
    public static double kl(double[] stats, int batch, int latent, double[] dStats, double scale) {
        int l2 = 2 * latent;
        double kl = 0;
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < latent; j++) {
                int m = i * l2 + j;
                int v = m + latent;
                double mu = stats[m];
                double lv = stats[v];
                double var = Math.exp(lv);
                kl += -0.5 * (1 + lv - mu * mu - var);
                if (dStats != null) {
                    dStats[m] += scale * mu;
                    dStats[v] += scale * 0.5 * (var - 1);
                }
            }
        }
        return kl;
    }

    /**
     * The KL divergence summed over the batch, with "free bits" (Kingma et al., 2016): a latent dimension whose KL,
     * averaged over the batch, is below {@code freeBits} nats gets no KL gradient, so the encoder may spend that much
     * information on it at no cost. This keeps a strong decoder (an autoregressive one, say) from learning to ignore
     * z, the collapse where every dimension's KL goes to zero. With {@code freeBits = 0} it is {@link #kl}.
     *
     * @param stats per item, μ then log σ²
     * @param batch items
     * @param latent size of z
     * @param dStats receives {@code += scale·∂KL/∂stats} for the dimensions above the floor, or {@code null}
     * @param scale the gradient's factor (for example β / batch)
     * @param freeBits the floor per dimension, in nats (averaged over the batch)
     * @return the summed divergence in nats (the true KL, floor or not)
     */
    public static double kl(double[] stats, int batch, int latent, double[] dStats, double scale, double freeBits) {
        if (freeBits <= 0) {
            return kl(stats, batch, latent, dStats, scale);
        }
        int l2 = 2 * latent;
        double[] perDim = new double[latent];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < latent; j++) {
                double mu = stats[i * l2 + j];
                double lv = stats[i * l2 + latent + j];
                perDim[j] += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
            }
        }
        double kl = 0;
        for (int j = 0; j < latent; j++) {
            kl += perDim[j];
            if (dStats != null && perDim[j] / batch > freeBits) {
                for (int i = 0; i < batch; i++) {
                    int m = i * l2 + j;
                    dStats[m] += scale * stats[m];
                    dStats[m + latent] += scale * 0.5 * (Math.exp(stats[m + latent]) - 1);
                }
            }
        }
        return kl;
    }

    /**
     * {@code log p(z) − log q(z | x)} of one item's draw, the importance weight of the IWAE bound without the
     * likelihood term.
     *
     * @param stats per item, μ then log σ²
     * @param z the codes
     * @param eps the ε of the draw
     * @param item the item
     * @param latent size of z
     * @return the log ratio
     */
    public static double logPriorOverPosterior(double[] stats, double[] z, double[] eps, int item, int latent) {
        double s = 0;
        for (int j = 0; j < latent; j++) {
            double zz = z[item * latent + j];
            double e = eps[item * latent + j];
            double lv = stats[item * 2 * latent + latent + j];
            s += (-0.5 * zz * zz - HALF_LOG_2PI) - (-0.5 * e * e - 0.5 * lv - HALF_LOG_2PI);
        }
        return s;
    }

    /**
     * {@code −log (1/k) Σ_s exp(w_s)}, stably: the IWAE bound of one item from its k log weights.
     *
     * @param logWeights the k log weights
     * @return the negative log mean of the weights
     */
    public static double negLogMeanExp(double[] logWeights) {
        double max = Double.NEGATIVE_INFINITY;
        for (double w : logWeights) {
            max = Math.max(max, w);
        }
        double sum = 0;
        for (double w : logWeights) {
            sum += Math.exp(w - max);
        }
        return -(max + Math.log(sum / logWeights.length));
    }
}

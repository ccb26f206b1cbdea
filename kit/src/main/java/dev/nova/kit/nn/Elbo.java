package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.GenerativeModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * The held-out bound of a latent-variable model with a Gaussian code ({@link GaussianLatent}): per item, the
 * evidence lower bound (the negative log-likelihood of the data under one code drawn from the encoder, plus the
 * KL term) and, with {@code k} importance samples, the tighter IWAE bound
 * {@code -log (1/k) Σ p(x|z_i) p(z_i) / q(z_i|x)} (Burda et al. 2016). A model without an encoder draws its
 * codes from the prior; its bound is then a plain Monte-Carlo estimate of the likelihood.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public final class Elbo {

    private Elbo() {
    }

    /** A latent-variable model as its evaluation sees it. */
    public interface Model {
        /**
         * The encoder's statistics of some items.
         *
         * @param items the items' values, one after another
         * @param from the first item's index in the evaluated set (to look up its class, say)
         * @param count how many items
         * @return per item, μ then log σ² ({@link GaussianLatent}'s layout); {@code null} when codes come from
         *     the prior
         */
        double[] encode(float[] items, int from, int count);

        /**
         * The negative log-likelihood of each item under its code.
         *
         * @param items the items' values
         * @param from the first item's index in the evaluated set
         * @param z {@code count·latent} codes
         * @param count how many items
         * @return {@code -log p(x|z)} per item
         */
        double[] nll(float[] items, int from, double[] z, int count);
    }

    /** Copies items of the evaluated set into a buffer. */
    @FunctionalInterface
    public interface Items {
        /**
         * Copies items {@code [from, from + count)}.
         *
         * @param from the first item
         * @param count how many
         * @param into receives their values, one after another
         */
        void gather(int from, int count, float[] into);
    }

    /**
     * What an evaluation found, as sums over its items.
     *
     * @param items items evaluated
     * @param reconstruction the summed negative log-likelihood under one code per item
     * @param kl the summed KL term (0 without an encoder)
     * @param importanceSamples k of the IWAE bound (0 = not computed)
     * @param iwae the summed IWAE bound
     */
    public record Estimate(int items, double reconstruction, double kl, int importanceSamples, double iwae) {

        /**
         * The mean figures per item, in the order a plugin reports them: {@code loss} (the negative ELBO), the
         * two terms when {@code terms}, the IWAE bound and its k when computed, then {@code images}.
         *
         * @param terms whether to report {@code reconstruction} and {@code kl} (models with an encoder)
         * @return the metrics
         */
        public Map<String, Double> metrics(boolean terms) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(GenerativeModel.LOSS, (reconstruction + kl) / items);
            if (terms) {
                m.put("reconstruction", reconstruction / items);
                m.put("kl", kl / items);
            }
            if (importanceSamples > 0) {
                m.put("iwae-nll", iwae / items);
                m.put("importance-samples", (double) importanceSamples);
            }
            m.put("images", (double) items);
            return m;
        }
    }

    /**
     * Evaluates the first {@code count} items of a set in chunks. The codes' noise is drawn in order from one
     * generator: one code per item, then {@code k} per item for the IWAE bound, chunk after chunk.
     *
     * @param items the evaluated set
     * @param count how many of its items
     * @param dim values per item
     * @param chunk items per forward pass
     * @param latent size of the code
     * @param model the model
     * @param k importance samples (0 = no IWAE bound)
     * @param noise draws the codes
     * @return the sums
     */
    public static Estimate evaluate(Items items, int count, int dim, int chunk, int latent, Model model, int k,
                                    Random noise) {
        float[] buf = new float[chunk * dim];
        double recSum = 0;
        double klSum = 0;
        double iwaeSum = 0;
        for (int from = 0; from < count; from += chunk) {
            int b = Math.min(chunk, count - from);
            items.gather(from, b, buf);
            double[] stats = model.encode(buf, from, b);
            double[] z = new double[b * latent];
            double[] eps = new double[b * latent];
            if (stats != null) {
                klSum += GaussianLatent.kl(stats, b, latent, null, 0);
            }
            draw(stats, b, latent, noise, z, eps);
            for (double v : model.nll(buf, from, z, b)) {
                recSum += v;
            }
            if (k > 0) {
                iwaeSum += iwae(model, buf, from, b, stats, latent, k, noise);
            }
        }
        return new Estimate(count, recSum, klSum, k, iwaeSum);
    }

    /** The IWAE bound with {@code k} samples, summed over a chunk. */
    private static double iwae(Model model, float[] buf, int from, int b, double[] stats, int latent, int k,
                               Random noise) {
        double[][] logw = new double[b][k];
        double[] z = new double[b * latent];
        double[] eps = new double[b * latent];
        for (int s = 0; s < k; s++) {
            draw(stats, b, latent, noise, z, eps);
            double[] nll = model.nll(buf, from, z, b);
            for (int i = 0; i < b; i++) {
                logw[i][s] = -nll[i] + (stats == null ? 0 : GaussianLatent.logPriorOverPosterior(stats, z, eps, i, latent));
            }
        }
        double total = 0;
        for (int i = 0; i < b; i++) {
            total += GaussianLatent.negLogMeanExp(logw[i]);
        }
        return total;
    }

    /** Codes from the encoder (with their ε) when there are statistics, from the prior otherwise. */
    private static void draw(double[] stats, int b, int latent, Random noise, double[] z, double[] eps) {
        if (stats != null) {
            GaussianLatent.sample(stats, b, latent, noise, z, eps);
        } else {
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) noise.nextGaussian();
            }
        }
    }
}

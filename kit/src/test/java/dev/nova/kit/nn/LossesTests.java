package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Each loss's gradient against central finite differences, and its value against the textbook formula. */
class LossesTests {

    private static final double H = 1e-6;

    private static double[] randoms(int n, long seed, double scale) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * scale;
        }
        return v;
    }

    private static float[] targets(int n, long seed) {
        Random r = new Random(seed);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextFloat();
        }
        return t;
    }

    private static void checkGradient(double[] x, double[] analytic, ToDoubleFunction<double[]> loss) {
        for (int i = 0; i < x.length; i++) {
            double orig = x[i];
            x[i] = orig + H;
            double up = loss.applyAsDouble(x);
            x[i] = orig - H;
            double down = loss.applyAsDouble(x);
            x[i] = orig;
            assertEquals((up - down) / (2 * H), analytic[i], 1e-6 * Math.max(1, Math.abs(analytic[i])), "entry " + i);
        }
    }

    @Test
    void softmaxCrossEntropy() {
        int[] labels = {2, 0, 4};
        double[] logits = randoms(15, 1, 3);
        double[] grad = new double[15];
        double loss = Losses.softmaxCrossEntropy(logits, 5, labels, grad, 0.5);
        double expected = 0;
        for (int r = 0; r < 3; r++) {
            double z = 0;
            for (int c = 0; c < 5; c++) {
                z += Math.exp(logits[r * 5 + c]);
            }
            expected += Math.log(z) - logits[r * 5 + labels[r]];
        }
        assertEquals(expected, loss, 1e-12);
        checkGradient(logits, grad, l -> 0.5 * Losses.softmaxCrossEntropy(l, 5, labels, null, 0));
    }

    @Test
    void bernoulliFromLogitsIsStableForLargeLogits() {
        double[] logits = randoms(12, 2, 4);
        logits[0] = 80;
        logits[1] = -80;
        float[] x = targets(12, 3);
        double[] grad = new double[12];
        double[] each = new double[3];
        double loss = Losses.bernoulliLogits(logits, x, 12, 4, grad, 1.0, each);
        double expected = 0;
        for (int i = 0; i < 12; i++) {
            double p = 1 / (1 + Math.exp(-logits[i]));
            expected -= x[i] * Math.log(p) + (1 - x[i]) * Math.log1p(-p);
        }
        assertEquals(expected, loss, 1e-9 * Math.abs(expected));
        assertEquals(loss, each[0] + each[1] + each[2], 1e-12);
        checkGradient(logits, grad, l -> Losses.bernoulliLogits(l, x, 12, 4, null, 0, null));
    }

    /**
     * The float form follows the double one on logits of every size, ±0 and ±80 among them (its tails: σ's
     * quotient picked by the sign, e^−|l| far below float's epsilon), items of 50 values split over two threads.
     */
    @Test
    void bernoulliInFloatFollowsTheDoubleForm() {
        int n = 50 * 40;
        double[] logits = randoms(n, 11, 6);
        logits[0] = 0;
        logits[1] = -0.0;
        logits[2] = 80;
        logits[3] = -80;
        logits[4] = 1e-30;
        float[] lf = new float[n];
        for (int i = 0; i < n; i++) {
            lf[i] = (float) logits[i];
            logits[i] = lf[i];
        }
        float[] x = targets(n, 12);
        x[2] = 0;
        x[3] = 1;
        double[] grad = new double[n];
        double[] each = new double[40];
        double loss = Losses.bernoulliLogits(logits, x, n, 50, grad, 1.0 / 40, each);
        float[] gradF = new float[n];
        double[] eachF = new double[40];
        double lossF = Losses.bernoulliLogits(lf, x, n, 50, gradF, 1f / 40, eachF);
        assertEquals(loss, lossF, 1e-6 * loss);
        for (int k = 0; k < 40; k++) {
            assertEquals(each[k], eachF[k], 1e-6 * each[k], "item " + k);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(grad[i], gradF[i], 2e-7 / 40, "gradient " + i);
        }
        assertEquals(0.5f / 40 - x[0] / 40, gradF[0], 1e-9, "σ(0) = 1/2");
        assertEquals(0.5f / 40 - x[1] / 40, gradF[1], 1e-9, "σ(-0) = 1/2");
        assertEquals(-1f / 40, gradF[3], 1e-12, "σ(-80) - 1");
        assertEquals(160 - 2 * Math.log(2), lossF - Losses.bernoulliLogits(withoutTails(lf), x, n, 50, null, 0, null),
                1e-3, "80 against a target of 0 and -80 against 1 cost 80 nats each (0 costs log 2)");
    }

    /** The logits with entries 2 and 3 set to 0 (so the difference of two losses isolates them). */
    private static float[] withoutTails(float[] l) {
        float[] c = l.clone();
        c[2] = 0;
        c[3] = 0;
        return c;
    }

    @Test
    void theLossesLog1pIsWithinFourUlpsOfTheJdks() {
        Random r = new Random(7);
        for (int k = 0; k < 200_000; k++) {
            double e = k < 3 ? new double[] {0, 1, Double.MIN_VALUE}[k] : Math.exp(-Math.abs(r.nextGaussian() * 12));
            double ref = Math.log1p(e);
            assertEquals(ref, Losses.log1p(e), 4 * Math.ulp(ref), "log1p(" + e + ")");
        }
    }

    @Test
    void gaussianWithFixedSigma() {
        double[] means = randoms(8, 4, 1);
        float[] x = targets(8, 5);
        double sigma = 0.3;
        double[] grad = new double[8];
        double loss = Losses.gaussian(means, x, 8, 8, sigma, grad, 2.0, null);
        double expected = 0;
        for (int i = 0; i < 8; i++) {
            double d = means[i] - x[i];
            expected += d * d / (2 * sigma * sigma) + Math.log(sigma * Math.sqrt(2 * Math.PI));
        }
        assertEquals(expected, loss, 1e-12);
        checkGradient(means, grad, m -> 2.0 * Losses.gaussian(m, x, 8, 8, sigma, null, 0, null));
    }

    /** The draw's backward pass plus the KL gradient, against finite differences of z·c + KL with ε held fixed. */
    @Test
    void gaussianLatentGradients() {
        int batch = 2;
        int latent = 3;
        double[] stats = randoms(batch * 2 * latent, 7, 1);
        double[] c = randoms(batch * latent, 8, 1);
        double[] z = new double[batch * latent];
        double[] eps = new double[batch * latent];
        GaussianLatent.sample(stats, batch, latent, new Random(3), z, eps);
        double[] dStats = new double[stats.length];
        GaussianLatent.backward(stats, eps, c, batch, latent, dStats);
        GaussianLatent.kl(stats, batch, latent, dStats, 0.7);
        checkGradient(stats, dStats, st -> {
            double s = 0.7 * GaussianLatent.kl(st, batch, latent, null, 0);
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < latent; j++) {
                    double zz = st[i * 2 * latent + j] + eps[i * latent + j] * Math.exp(0.5 * st[i * 2 * latent + latent + j]);
                    s += c[i * latent + j] * zz;
                }
            }
            return s;
        });
    }

    @Test
    void iwaeWeightsOfTheMeanCodeUnderAStandardPosteriorAreZero() {
        double[] stats = {0, 0, 0, 0};
        double[] z = {0.3, -1.2};
        assertEquals(0.0, GaussianLatent.logPriorOverPosterior(stats, z, z, 0, 2), 1e-12);
        assertEquals(-Math.log(2.5), GaussianLatent.negLogMeanExp(new double[] {Math.log(2), Math.log(3)}), 1e-12);
    }

    @Test
    void freeBitsDropTheKlGradientOfDimensionsBelowTheFloorOnly() {
        // Dimension 0 carries about 2 nats per item, dimension 1 almost none.
        double[] stats = {2.0, 0.01, -0.5, 0.0, -2.0, -0.01, 0.5, 0.0};
        double[] plain = new double[8];
        double[] free = new double[8];
        double kl = GaussianLatent.kl(stats, 2, 2, plain, 1.0);
        assertEquals(kl, GaussianLatent.kl(stats, 2, 2, free, 1.0, 0.5), 1e-12, "the value is the true KL");
        for (int i : new int[] {0, 2, 4, 6}) {
            assertEquals(plain[i], free[i], 1e-12, "dimension 0 is above the floor: " + i);
        }
        for (int i : new int[] {1, 3, 5, 7}) {
            assertEquals(0.0, free[i], "dimension 1 is below the floor: " + i);
        }
    }
}

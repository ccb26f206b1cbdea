package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ElboTests {

    private static final int LATENT = 3;

    /** A model whose posterior is the prior and whose likelihood ignores the code: every bound is the same. */
    private static Elbo.Model priorPosterior(boolean encoder, double nll) {
        return new Elbo.Model() {
            @Override
            public double[] encode(float[] items, int from, int count) {
                return encoder ? new double[count * 2 * LATENT] : null;
            }

            @Override
            public double[] nll(float[] items, int from, double[] z, int count) {
                double[] v = new double[count];
                java.util.Arrays.fill(v, nll + from);
                return v;
            }
        };
    }

    @Test
    void aPosteriorEqualToThePriorHasNoKlAndAnIwaeBoundEqualToTheElbo() {
        for (boolean encoder : new boolean[] {true, false}) {
            Elbo.Estimate e = Elbo.evaluate((from, count, into) -> { }, 10, 4, 3, LATENT, priorPosterior(encoder, 2.0), 5,
                    new Random(1));
            // Items 0-2 score 2, 3-5 score 5, 6-8 score 8, 9 scores 11 (the nll adds the chunk's first index).
            double sum = 3 * 2 + 3 * 5 + 3 * 8 + 11;
            assertEquals(10, e.items());
            assertEquals(sum, e.reconstruction(), 1e-12);
            assertEquals(0, e.kl(), 1e-12);
            assertEquals(sum, e.iwae(), 1e-9);
            Map<String, Double> m = e.metrics(encoder);
            assertEquals(encoder ? List.of("loss", "reconstruction", "kl", "iwae-nll", "importance-samples", "images")
                    : List.of("loss", "iwae-nll", "importance-samples", "images"), List.copyOf(m.keySet()));
            assertEquals(sum / 10, m.get("loss"), 1e-12);
        }
    }

    @Test
    void theKlTermIsTheClosedFormOfEachItem() {
        // μ = 1, log σ² = 0 in every dimension: KL = ½ Σ μ² = 1.5 per item.
        Elbo.Model shifted = new Elbo.Model() {
            @Override
            public double[] encode(float[] items, int from, int count) {
                double[] stats = new double[count * 2 * LATENT];
                for (int i = 0; i < count; i++) {
                    java.util.Arrays.fill(stats, i * 2 * LATENT, i * 2 * LATENT + LATENT, 1.0);
                }
                return stats;
            }

            @Override
            public double[] nll(float[] items, int from, double[] z, int count) {
                return new double[count];
            }
        };
        Elbo.Estimate e = Elbo.evaluate((from, count, into) -> { }, 4, 1, 4, LATENT, shifted, 0, new Random(2));
        assertEquals(4 * 1.5, e.kl(), 1e-9);
        assertEquals(List.of("loss", "reconstruction", "kl", "images"), List.copyOf(e.metrics(true).keySet()));
    }

    @Test
    void klWeightRisesLinearlyOverTheWarmUp() {
        KlSchedule k = new KlSchedule(2.0, 4);
        assertEquals(0.5, k.weight(0));
        assertEquals(2.0, k.weight(3));
        assertEquals(2.0, k.weight(100));
        assertEquals(2.0, new KlSchedule(2.0, 0).weight(0));
    }
}

package dev.nova.kit.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenSamplerTests {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, 0.0f, -1.0f};

    private static int[] histogram(TokenSampler s, int draws) {
        int[] h = new int[LOGITS.length];
        Random r = new Random(1);
        for (int i = 0; i < draws; i++) {
            h[s.next(LOGITS, r)]++;
        }
        return h;
    }

    @Test
    void greedyTakesTheMostLikelyToken() {
        assertEquals(1, new TokenSampler(1, 0, 1, true).next(LOGITS, new Random(5)));
    }

    @Test
    void topKOfOneEqualsGreedy() {
        int[] h = histogram(new TokenSampler(1.0, 1, 1.0, false), 500);
        assertEquals(500, h[1]);
    }

    @Test
    void topKRestrictsToTheKMostLikely() {
        int[] h = histogram(new TokenSampler(1.0, 2, 1.0, false), 2000);
        assertEquals(0, h[0] + h[3] + h[4]);
        assertTrue(h[1] > 0 && h[2] > 0);
    }

    @Test
    void smallTopPKeepsOnlyTheHead() {
        int[] h = histogram(new TokenSampler(1.0, 0, 0.3, false), 500);
        assertEquals(500, h[1], "the top token alone holds more than 30% of the mass");
    }

    @Test
    void lowTemperatureSharpensTheDistribution() {
        int[] warm = histogram(new TokenSampler(1.0, 0, 1.0, false), 4000);
        int[] cold = histogram(new TokenSampler(0.05, 0, 1.0, false), 4000);
        assertTrue(cold[1] > warm[1], "cold " + cold[1] + " vs warm " + warm[1]);
        assertTrue(cold[1] > 3990, "near-greedy at temperature 0.05: " + cold[1]);
        assertTrue(warm[0] + warm[3] + warm[4] > 100, "temperature 1 keeps the tail");
    }

    /** The boxed stable sort the sampler used to draw in. */
    private static int[] boxedOrder(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** The previous implementation, boxed sort and all: seeded samples must not change with the sort. */
    private static int previousNext(TokenSampler s, float[] logits, Random random) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / s.temperature());
        }
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[i] / s.temperature() - max);
        }
        int[] order = boxedOrder(p);
        double total = 0;
        for (double x : p) {
            total += x;
        }
        int keep = s.topK() > 0 ? Math.min(s.topK(), n) : n;
        if (s.topP() < 1) {
            double acc = 0;
            for (int i = 0; i < keep; i++) {
                acc += p[order[i]] / total;
                if (acc >= s.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) {
            kept += p[order[i]];
        }
        double u = random.nextDouble() * kept;
        for (int i = 0; i < keep; i++) {
            u -= p[order[i]];
            if (u <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    @Test
    void seededDrawsAreThoseOfTheBoxedSort() {
        Random source = new Random(11);
        float[] logits = new float[300];
        for (int i = 0; i < logits.length; i++) {
            // Rounded to quarters: many equal logits, so ties decide draws.
            logits[i] = Math.round((float) source.nextGaussian() * 8) / 4f;
        }
        for (TokenSampler s : new TokenSampler[] {new TokenSampler(1, 0, 1, false), new TokenSampler(0.7, 20, 1, false),
                new TokenSampler(1.3, 0, 0.9, false), new TokenSampler(1, 50, 0.5, false),
                new TokenSampler(0.02, 0, 1, false)}) {             // most probabilities underflow to 0: one large tie
            Random a = new Random(5);
            Random b = new Random(5);
            for (int draw = 0; draw < 2000; draw++) {
                assertEquals(previousNext(s, logits, b), s.next(logits, a), s + ", draw " + draw);
            }
        }
    }
}

package dev.nova.textgru.internal;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next character from logits: greedy, or sampled with temperature, top-k and top-p (nucleus).
 *
 * @param temperature softmax temperature, &gt; 0
 * @param topK keep the k most likely characters, 0 for all
 * @param topP keep the smallest set reaching this probability, 1 for all
 * @param greedy always take the most likely character
 */
public record Sampler(double temperature, int topK, double topP, boolean greedy) {

    /**
     * Chooses a token.
     *
     * @param logits unnormalised scores
     * @param random the sample's random source
     * @return the token
     */
    public int next(float[] logits, Random random) {
        int n = logits.length;
        if (greedy) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double total = 0;
        for (double x : p) {
            total += x;
        }
        int keep = topK > 0 ? Math.min(topK, n) : n;
        if (topP < 1) {
            double acc = 0;
            for (int i = 0; i < keep; i++) {
                acc += p[order[i]] / total;
                if (acc >= topP) {
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
}

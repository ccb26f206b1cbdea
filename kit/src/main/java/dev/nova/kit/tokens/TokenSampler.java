package dev.nova.kit.tokens;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import org.apiguardian.api.API;

/**
 * Picks the next token from logits: greedy, or sampled with temperature, top-k and top-p (nucleus).
 *
 * @param temperature softmax temperature, &gt; 0
 * @param topK keep the k most likely tokens, 0 for all
 * @param topP keep the smallest set reaching this probability, 1 for all
 * @param greedy always take the most likely token
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TokenSampler(double temperature, int topK, double topP, boolean greedy) {

    /** Checks the arguments. */
    public TokenSampler {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, found " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, found " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], found " + topP);
        }
    }

    /**
     * A chosen token's log-probability under the model's own distribution (the softmax of the logits, in double
     * precision, before temperature and truncation), with the most likely alternatives.
     *
     * @param logits unnormalised scores
     * @param token the chosen token
     * @param alternatives how many alternatives, most likely first (ties by lower id)
     * @return the choice
     * @since 1.4
     */
    public static dev.nova.api.TokenChoice choice(float[] logits, int token, int alternatives) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        int k = Math.min(alternatives, logits.length);
        int[] top = new int[k];
        double[] topLp = new double[k];
        int filled = 0;
        for (int i = 0; i < logits.length; i++) {
            // insertion into the k best so far: k is at most 20
            int at = filled;
            while (at > 0 && logits[top[at - 1]] < logits[i]) {
                at--;
            }
            if (at < k) {
                int end = Math.min(filled, k - 1);
                System.arraycopy(top, at, top, at + 1, end - at);
                top[at] = i;
                filled = Math.min(filled + 1, k);
            }
        }
        for (int j = 0; j < k; j++) {
            topLp[j] = logits[top[j]] - logZ;
        }
        return new dev.nova.api.TokenChoice(token, logits[token] - logZ, top, topLp);
    }

    /**
     * Chooses a token.
     *
     * @param logits unnormalised scores
     * @param random the sample's random source (one uniform draw per token when not greedy)
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
        // The tokens in descending order of probability, ties in index order (a stable sort), decide the draw; only
        // the values take part in its arithmetic, so the values are sorted (a primitive sort, 5-20 times faster than
        // sorting indices by their values) and the one token drawn is found among its equals afterwards.
        double[] sorted = p.clone();
        java.util.Arrays.sort(sorted);                        // ascending: position i of the order is n - 1 - i
        double total = 0;
        for (double x : p) {
            total += x;
        }
        int keep = topK > 0 ? Math.min(topK, n) : n;
        if (topP < 1) {
            double acc = 0;
            for (int i = 0; i < keep; i++) {
                acc += sorted[n - 1 - i] / total;
                if (acc >= topP) {
                    keep = i + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) {
            kept += sorted[n - 1 - i];
        }
        double u = random.nextDouble() * kept;
        int at = keep - 1;
        for (int i = 0; i < keep; i++) {
            u -= sorted[n - 1 - i];
            if (u <= 0) {
                at = i;
                break;
            }
        }
        return tokenAt(p, sorted, at);
    }

    /**
     * The token at position {@code at} of the descending order with ties in index order: among the tokens of its
     * value, the one whose rank by index is its position's rank among that value's positions.
     */
    private static int tokenAt(double[] p, double[] sorted, int at) {
        int n = p.length;
        double v = sorted[n - 1 - at];
        int first = at;
        while (first > 0 && Double.compare(sorted[n - first], v) == 0) {
            first--;
        }
        int rank = at - first;
        for (int t = 0; t < n; t++) {
            if (Double.compare(p[t], v) == 0 && rank-- == 0) {
                return t;
            }
        }
        throw new IllegalStateException("no token of probability " + v);
    }
}

package dev.nova.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What one task returns: the gradient sum of its slice and its additive statistics; {@link #add} is the reduction
 * (Spark's {@code treeReduce} adds them pairwise, as MLlib's gradient descent does).
 */
final class Slice implements Serializable {

    private static final long serialVersionUID = 1L;

    final float[] gradient;
    final HashMap<String, Double> statistics;

    Slice(float[] gradient, Map<String, ?> statistics) {
        this.gradient = gradient;
        this.statistics = new HashMap<>();
        statistics.forEach((k, v) -> this.statistics.put(k, ((Number) v).doubleValue()));
    }

    /** Adds another slice into this one (which Spark owns, so it may be changed). */
    Slice add(Slice other) {
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] += other.gradient[i];
        }
        other.statistics.forEach((k, v) -> statistics.merge(k, v, Double::sum));
        return this;
    }

    /**
     * The bounds of {@code shards} slices of a batch, as even as they can be ({@code [cuts[i], cuts[i+1])}); fewer
     * when the batch has fewer items than shards.
     */
    static int[] cuts(int batch, int shards) {
        int k = Math.max(1, Math.min(shards, batch));
        int[] cuts = new int[k + 1];
        for (int i = 0; i <= k; i++) {
            cuts[i] = (int) ((long) batch * i / k);
        }
        return cuts;
    }
}

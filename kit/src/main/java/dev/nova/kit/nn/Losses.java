package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Losses fused with their gradients, one pass over plain arrays each (the log-softmax, one-hot and product ops
 * they replaced cost several milliseconds a step in allocations). Each returns the loss summed over its items; the
 * gradient, when asked for, is written already multiplied by {@code scale} (for example {@code 1 / batch} for a
 * mean). Sums are formed per item and added in item order, so they do not depend on the number of threads.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Losses {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private Losses() {
    }

    /**
     * Softmax cross-entropy of each row of logits against its label: {@code log Σ exp(l) − l[label]}.
     *
     * @param logits {@code [rows, classes]} row-major (not modified)
     * @param classes columns
     * @param labels one per row
     * @param gradient receives {@code scale · (softmax(l) − onehot(label))}, or {@code null}
     * @param scale the gradient's factor
     * @return the summed loss in nats
     */
    public static double softmaxCrossEntropy(double[] logits, int classes, int[] labels, double[] gradient, double scale) {
        int rows = labels.length;
        double[] each = new double[rows];
        Parallel.forParts(rows, 16, (r0, r1) -> {
            for (int i = r0; i < r1; i++) {
                int o = i * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, logits[o + c]);
                }
                double z = 0;
                for (int c = 0; c < classes; c++) {
                    z += Math.exp(logits[o + c] - max);
                }
                double logZ = max + Math.log(z);
                each[i] = logZ - logits[o + labels[i]];
                if (gradient != null) {
                    for (int c = 0; c < classes; c++) {
                        gradient[o + c] = Math.exp(logits[o + c] - logZ) * scale;
                    }
                    gradient[o + labels[i]] -= scale;
                }
            }
        });
        return inOrder(each, rows);
    }

    /**
     * {@link #softmaxCrossEntropy(double[], int, int[], double[], double)} over float logits whose gradient replaces
     * them, row by row: the same arithmetic in double (each value exactly as from a double copy, rounded to float once),
     * without the two double copies of the logits (at GPT-2's vocabulary and 1,024 tokens a step, 824 MB).
     *
     * @param logits {@code [rows, classes]} row-major; with {@code gradient}, replaced by
     *     {@code scale · (softmax(l) − onehot(label))}
     * @param classes columns
     * @param labels one per row
     * @param gradient whether to write the gradient
     * @param scale the gradient's factor
     * @return the summed loss in nats
     * @since 1.4
     */
    public static double softmaxCrossEntropyInPlace(float[] logits, int classes, int[] labels, boolean gradient,
                                                    double scale) {
        int rows = labels.length;
        double[] each = new double[rows];
        Parallel.forParts(rows, 16, (r0, r1) -> {
            for (int i = r0; i < r1; i++) {
                int o = i * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, logits[o + c]);
                }
                double z = 0;
                for (int c = 0; c < classes; c++) {
                    z += Math.exp(logits[o + c] - max);
                }
                double logZ = max + Math.log(z);
                each[i] = logZ - logits[o + labels[i]];
                if (gradient) {
                    for (int c = 0; c < classes; c++) {
                        double g = Math.exp(logits[o + c] - logZ) * scale;
                        logits[o + c] = (float) (c == labels[i] ? g - scale : g);
                    }
                }
            }
        });
        return inOrder(each, rows);
    }

    /**
     * Bernoulli negative log-likelihood from logits (binary cross-entropy), stable for any logit:
     * {@code max(l, 0) − x·l + log(1 + e^−|l|)}.
     *
     * @param logits one per value (not modified)
     * @param targets the observed values in [0, 1]
     * @param n values
     * @param itemSize values per item (an image's pixels): the sum is formed per item
     * @param gradient receives {@code scale · (σ(l) − x)}, or {@code null}
     * @param scale the gradient's factor
     * @param itemLosses receives each item's loss, or {@code null}
     * @return the summed loss in nats
     */
    public static double bernoulliLogits(double[] logits, float[] targets, int n, int itemSize, double[] gradient,
                                         double scale, double[] itemLosses) {
        return perItem(n, itemSize, itemLosses, (from, to) -> {
            double part = 0;
            for (int i = from; i < to; i++) {
                double l = logits[i];
                double e = Math.exp(-Math.abs(l));
                part += Math.max(l, 0) - targets[i] * l + log1p(e);
                if (gradient != null) {
                    double sig = (l >= 0 ? 1 : e) / (1 + e);
                    gradient[i] = (sig - targets[i]) * scale;
                }
            }
            return part;
        });
    }

    /**
     * {@link #bernoulliLogits(double[], float[], int, int, double[], double, double[])} in float, for training: per
     * item, {@code e^−|l|} from {@link Math#exp} in a loop of its own (a call), then the loss terms and the gradient
     * in float arithmetic that the JIT vectorises ({@code log(1 + e)} by {@link FloatMath#log1p}; {@code σ(l)} as
     * {@code 1 / (1 + e)} or {@code e / (1 + e)}, picked without a branch), the item's terms added in double. Within
     * 1e-6 of the double form's loss, relative, and its gradient within float's rounding; about half its time (a
     * VAE's 100 k pixels: 1.1 against 1.9 ms, one thread).
     *
     * @param logits one per value (not modified)
     * @param targets the observed values in [0, 1]
     * @param n values
     * @param itemSize values per item (an image's pixels): the sum is formed per item
     * @param gradient receives {@code scale · (σ(l) − x)}, or {@code null}
     * @param scale the gradient's factor
     * @param itemLosses receives each item's loss, or {@code null}
     * @return the summed loss in nats
     * @since 1.5
     */
    public static double bernoulliLogits(float[] logits, float[] targets, int n, int itemSize, float[] gradient,
                                         float scale, double[] itemLosses) {
        return perItem(n, itemSize, itemLosses, (from, to) -> {
            float[][] scratch = ITEM.get();
            if (scratch[0].length < to - from) {
                scratch = new float[][] {new float[to - from], new float[to - from]};
                ITEM.set(scratch);
            }
            float[] e = scratch[0];
            float[] term = scratch[1];
            int m = to - from;
            for (int j = 0; j < m; j++) {
                e[j] = (float) Math.exp(-Math.abs(logits[from + j]));
            }
            for (int j = 0; j < m; j++) {
                float l = logits[from + j];
                float t = targets[from + j];
                float ej = e[j];
                term[j] = Math.max(l, 0f) - t * l + FloatMath.log1p(ej);
                if (gradient != null) {
                    // 1 for a negative logit, else 0 (see Dense's ReLU mask); σ's numerator is then e or exactly 1.
                    float negative = Math.min(Math.max(-l * 1e38f * 1e38f, 0f), 1f);
                    gradient[from + j] = ((negative * ej + (1 - negative)) / (1 + ej) - t) * scale;
                }
            }
            double part = 0;
            for (int j = 0; j < m; j++) {
                part += term[j];
            }
            return part;
        });
    }

    /** Each thread's per-item buffers of the float Bernoulli loss (grown to the largest item seen). */
    private static final ThreadLocal<float[][]> ITEM = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    /**
     * {@code log(1 + e)} for {@code e} in [0, 1], within 4 ulps of {@link Math#log1p}: {@code log(u) · e / (u − 1)} with
     * {@code u = 1 + e} (the rounding error of {@code u} cancels in the quotient; Goldberg, "What every computer
     * scientist should know about floating-point arithmetic", theorem 4). {@code Math.log1p} is fdlibm's in Java, with no
     * intrinsic; {@code Math.log} is the JIT's: a VAE's loss over 100k pixels took 2.6-2.9 ms with the former, 2.0-2.2
     * with this (one thread, interleaved, a busy machine).
     *
     * @param e the argument, in [0, 1]
     * @return {@code log(1 + e)}
     */
    static double log1p(double e) {
        double u = 1 + e;
        return u == 1 ? e : Math.log(u) * (e / (u - 1));
    }

    /**
     * Gaussian negative log-likelihood with a fixed standard deviation:
     * {@code (m − x)² / 2σ² + log σ + ½ log 2π} per value.
     *
     * @param means the predicted means (not modified)
     * @param targets the observed values
     * @param n values
     * @param itemSize values per item: the sum is formed per item
     * @param sigma the standard deviation
     * @param gradient receives {@code scale · (m − x) / σ²} (with respect to the mean), or {@code null}
     * @param scale the gradient's factor
     * @param itemLosses receives each item's loss, or {@code null}
     * @return the summed loss in nats
     */
    public static double gaussian(double[] means, float[] targets, int n, int itemSize, double sigma, double[] gradient,
                                  double scale, double[] itemLosses) {
        double var = sigma * sigma;
        double norm = Math.log(sigma) + 0.5 * LOG_2PI;
        return perItem(n, itemSize, itemLosses, (from, to) -> {
            double part = 0;
            for (int i = from; i < to; i++) {
                double diff = means[i] - targets[i];
                part += 0.5 * diff * diff / var + norm;
                if (gradient != null) {
                    gradient[i] = diff / var * scale;
                }
            }
            return part;
        });
    }

    /** Sums a per-value loss item by item, items in parallel, and adds the items in order. */
    private static double perItem(int n, int itemSize, double[] itemLosses, Parallel.SumBody body) {
        int items = (n + itemSize - 1) / itemSize;
        double[] each = itemLosses != null ? itemLosses : new double[items];
        Parallel.forParts(items, 8, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                each[i] = body.run(i * itemSize, Math.min(n, (i + 1) * itemSize));
            }
        });
        return inOrder(each, items);
    }

    private static double inOrder(double[] values, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += values[i];
        }
        return s;
    }
}

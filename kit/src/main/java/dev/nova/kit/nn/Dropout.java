package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * Inverted dropout: each value is kept with probability {@code 1 − rate} and scaled by {@code 1 / (1 − rate)},
 * so evaluation needs no rescaling.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Dropout {

    private Dropout() {
    }

    /**
     * Draws a mask, one uniform draw per value in order.
     *
     * @param random the mask's random source (keyed by step: see {@code dev.nova.kit.support.Seeds})
     * @param rate the drop probability, in [0, 1)
     * @param n values
     * @return {@code n} factors, each 0 or {@code 1 / (1 − rate)}
     */
    public static double[] mask(Random random, double rate, int n) {
        double keep = 1 - rate;
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = random.nextDouble() < keep ? 1 / keep : 0;
        }
        return m;
    }

    /**
     * Where a layer's dropout masks come from: each call draws the next mask of a training pass.
     *
     * @since 0.2
     */
    @FunctionalInterface
    public interface Masks {
        /**
         * Draws the next mask.
         *
         * @param rate the drop probability, in [0, 1)
         * @param n values (a whole number of values per position of the batch)
         * @return {@code n} factors, each 0 or {@code 1 / (1 − rate)}
         */
        double[] next(double rate, int n);
    }

    /**
     * Masks drawn in order from one stream (what a single process can use when the batch is never sliced).
     *
     * @param random the stream
     * @return the masks
     * @since 0.2
     */
    public static Masks stream(Random random) {
        return (rate, n) -> mask(random, rate, n);
    }

    /**
     * Masks whose values for each item of the batch come from that item's own stream, for values laid out
     * time-major ({@code [time·batch, width]}, position {@code t·batch + b}), as {@link Gru} lays them out. Each
     * item draws its values position by position in time order; slicing the batch never changes an item's mask,
     * which data-parallel training needs.
     *
     * @param items item {@code b}'s stream (see {@code dev.nova.kit.support.Seeds#items})
     * @param time positions per item
     * @param batch items
     * @return the masks
     * @since 0.2
     */
    public static Masks timeMajor(IntFunction<Random> items, int time, int batch) {
        return (rate, n) -> perItem(items, rate, n, time, batch, true);
    }

    /**
     * As {@link #timeMajor} for values laid out batch-major ({@code [batch·time, width]}, position
     * {@code b·time + t}).
     *
     * @param items item {@code b}'s stream
     * @param time positions per item
     * @param batch items
     * @return the masks
     * @since 0.2
     */
    public static Masks batchMajor(IntFunction<Random> items, int time, int batch) {
        return (rate, n) -> perItem(items, rate, n, time, batch, false);
    }

    private static double[] perItem(IntFunction<Random> items, double rate, int n, int time, int batch, boolean timeMajor) {
        int positions = time * batch;
        if (n % positions != 0) {
            throw new IllegalArgumentException(n + " values do not divide into " + positions + " positions");
        }
        int width = n / positions;
        double keep = 1 - rate;
        double[] m = new double[n];
        for (int b = 0; b < batch; b++) {
            Random r = items.apply(b);
            for (int t = 0; t < time; t++) {
                int row = timeMajor ? t * batch + b : b * time + t;
                for (int j = 0; j < width; j++) {
                    m[row * width + j] = r.nextDouble() < keep ? 1 / keep : 0;
                }
            }
        }
        return m;
    }

    /**
     * Multiplies values by a mask in place (forward and backward alike).
     *
     * @param values the values
     * @param mask the mask
     */
    public static void apply(double[] values, double[] mask) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= mask[i];
        }
    }
}

package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
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

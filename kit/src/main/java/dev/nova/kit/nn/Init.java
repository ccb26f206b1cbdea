package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import org.apiguardian.api.API;

/**
 * How a parameter's initial values are drawn, one value at a time in row-major order from the set's random
 * source (so a set built in the same order from the same seed is the same).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface Init {

    /**
     * The next value.
     *
     * @param random the parameter set's random source
     * @return the value
     */
    double next(Random random);

    /**
     * Uniform in {@code [-k, k]} (PyTorch's {@code nn.Linear} and {@code nn.GRU} use {@code k = 1/√fan-in}).
     *
     * @param k the bound
     * @return the initialiser
     */
    static Init uniform(double k) {
        return r -> (r.nextDouble() * 2 - 1) * k;
    }

    /**
     * Normal with mean 0 (PyTorch's {@code nn.Embedding} uses standard deviation 1).
     *
     * @param std the standard deviation
     * @return the initialiser
     */
    static Init gaussian(double std) {
        return r -> r.nextGaussian() * std;
    }

    /**
     * Zeros (no draw).
     *
     * @return the initialiser
     */
    static Init zeros() {
        return r -> 0;
    }
}

package dev.nova.kit.nn;

/**
 * The GRU cell's equations, once, for one unit: the training pass ({@link Gru}) and the sampling stepper
 * ({@link GruSnapshot.Stepper}) both compute through these, so the two cannot drift apart. PyTorch's formulation:
 * {@code r = σ(xr + hr)}, {@code z = σ(xz + hz)}, {@code n = tanh(xn + r·hn)}, {@code h' = n + z·(h − n)}, where the
 * {@code x·} and {@code h·} terms are the input's and the previous state's projections, biases included. (The
 * backward pass differentiates exactly these.)
 */
final class GruCell {

    private GruCell() {
    }

    /**
     * The reset gate {@code r} from {@code xr + hr}, or the update gate {@code z} from {@code xz + hz}. The caller adds
     * the two projections: training adds them in double precision, the sampling stepper in float, and each keeps the
     * bits it always had.
     */
    static double gate(double preActivation) {
        return Activation.sigmoid(preActivation);
    }

    /** The candidate state. */
    static double candidate(double xn, double reset, double hn) {
        return Activation.tanh(xn + reset * hn);
    }

    /** The new state: {@code (1 − z)·n + z·h}, written as {@code n + z·(h − n)}. */
    static double next(double candidate, double update, double previous) {
        return candidate + update * (previous - candidate);
    }
}

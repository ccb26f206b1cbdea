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

    /**
     * One row of a training step, a layer's {@code h} units at once: {@link #gate} and {@link #candidate} written out
     * in loops of their own (sums, {@code Math.exp}, gates and candidate), so that the JIT vectorises all but the
     * {@code exp} calls; each value is computed by the same operations in the same order as those methods, to the bit.
     * Fills {@code cell} (from {@link #rowScratch}) with the recurrent candidate term {@code hn}, {@code r}, {@code z}
     * and the candidate {@code n}.
     *
     * @param xg the input projections, the row's r|z|n at {@code xo}
     * @param hg the recurrent projections, the row's r|z|n at {@code go}
     */
    static void row(Vec xg, int xo, Vec hg, int go, double[] bx, double[] bh, int h, double[][] cell) {
        double[] hn = cell[0];
        double[] r = cell[1];
        double[] z = cell[2];
        double[] n = cell[3];
        for (int j = 0; j < h; j++) {
            hn[j] = hg.get(go + 2 * h + j) + bh[2 * h + j];
            r[j] = -(xg.get(xo + j) + bx[j] + (hg.get(go + j) + bh[j]));
            z[j] = -(xg.get(xo + h + j) + bx[h + j] + (hg.get(go + h + j) + bh[h + j]));
        }
        for (int j = 0; j < h; j++) {
            r[j] = Math.exp(r[j]);
            z[j] = Math.exp(z[j]);
        }
        for (int j = 0; j < h; j++) {
            r[j] = 1 / (1 + r[j]);                                  // gate: Activation.sigmoid
            z[j] = 1 / (1 + z[j]);
            n[j] = -2 * (xg.get(xo + 2 * h + j) + bx[2 * h + j] + r[j] * hn[j]);
        }
        for (int j = 0; j < h; j++) {
            n[j] = 2 / (1 + Math.exp(n[j])) - 1;                    // candidate: Activation.tanh
        }
    }

    /** Each thread's four rows of {@link #row} (grown to the largest layer seen). */
    private static final ThreadLocal<double[][]> ROW = ThreadLocal.withInitial(() -> new double[4][0]);

    static double[][] rowScratch(int hidden) {
        double[][] cell = ROW.get();
        if (cell[0].length < hidden) {
            cell = new double[][] {new double[hidden], new double[hidden], new double[hidden], new double[hidden]};
            ROW.set(cell);
        }
        return cell;
    }
}

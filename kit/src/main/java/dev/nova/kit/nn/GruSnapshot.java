package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A {@link Gru} stack's parameters copied out of ND4J for sampling: the weights into native memory, multiplied one
 * row at a time through BLAS ({@link NativeMatrix}), the biases into plain arrays. Any number of {@link Stepper}s
 * may run from one snapshot; training on does not change it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class GruSnapshot {

    private final int layers;
    private final int hidden;
    private final NativeMatrix[] wx;
    private final float[][] bx;
    private final NativeMatrix[] wh;
    private final float[][] bh;

    GruSnapshot(int hidden, NativeMatrix[] wx, float[][] bx, NativeMatrix[] wh, float[][] bh) {
        this.layers = wx.length;
        this.hidden = hidden;
        this.wx = wx;
        this.bx = bx;
        this.wh = wh;
        this.bh = bh;
    }

    /**
     * The parameters a {@link Gru} stack registers and a snapshot reads, in order: {@code <prefix><l>.wx [in,
     * 3·hidden]}, {@code .bx [1, 3·hidden]}, {@code .wh [hidden, 3·hidden]}, {@code .bh [1, 3·hidden]} per layer
     * {@code l}.
     *
     * @param prefix the prefix of the names
     * @param input input width
     * @param hidden state width
     * @param layers layers
     * @return the layout
     */
    static ParamLayout layout(String prefix, int input, int hidden, int layers) {
        ParamLayout layout = ParamLayout.empty();
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? input : hidden;
            layout = layout.with(name(prefix, "wx", l), in, 3 * hidden).with(name(prefix, "bx", l), 1, 3 * hidden)
                    .with(name(prefix, "wh", l), hidden, 3 * hidden).with(name(prefix, "bh", l), 1, 3 * hidden);
        }
        return layout;
    }

    /** The name of layer {@code layer}'s parameter {@code kind} ({@code wx}, {@code bx}, {@code wh}, {@code bh}). */
    static String name(String prefix, String kind, int layer) {
        return prefix + layer + "." + kind;
    }

    /**
     * A snapshot of a stack's parameters given as arrays by name ({@link #layout}'s names).
     *
     * @param values each parameter's values, C order, by name (copied)
     * @param prefix the prefix of the names
     * @param input input width
     * @param hidden state width
     * @param layers layers
     * @return the snapshot
     */
    static GruSnapshot of(java.util.function.Function<String, float[]> values, String prefix, int input, int hidden,
                          int layers) {
        NativeMatrix[] wx = new NativeMatrix[layers];
        float[][] bx = new float[layers][];
        NativeMatrix[] wh = new NativeMatrix[layers];
        float[][] bh = new float[layers][];
        for (int l = 0; l < layers; l++) {
            wx[l] = new NativeMatrix(values.apply(name(prefix, "wx", l)), l == 0 ? input : hidden, 3 * hidden);
            bx[l] = values.apply(name(prefix, "bx", l)).clone();
            wh[l] = new NativeMatrix(values.apply(name(prefix, "wh", l)), hidden, 3 * hidden);
            bh[l] = values.apply(name(prefix, "bh", l)).clone();
        }
        return new GruSnapshot(hidden, wx, bx, wh, bh);
    }

    /**
     * The first layer's input projection {@code x·Wx0 + bx0}, which a caller may tabulate (per token, say).
     *
     * @param x {@code input} values
     * @return {@code 3·hidden} values
     */
    public float[] project(float[] x) {
        float[] out = bx[0].clone();
        wx[0].addProduct(x, out);
        return out;
    }

    /**
     * A stepper starting from zero states.
     *
     * @return the stepper
     */
    public Stepper stepper() {
        return new Stepper(null);
    }

    /**
     * A stepper starting from given states.
     *
     * @param initial per layer, {@code hidden} values
     * @return the stepper
     */
    public Stepper stepper(float[][] initial) {
        return new Stepper(initial);
    }

    /**
     * Feeds one input to each of several steppers of this snapshot together (a server's batch): each stepper's new
     * state is to the bit what its own {@link
     * Stepper#stepProjected} gives (for fewer than sixteen steppers, or matrices below half a million weights).
     *
     * @param steppers the steppers
     * @param projected each one's input as its first-layer projection (not modified)
     * @return each one's top layer's new state (live: copy it to keep it)
     * @since 1.5
     */
    public float[][] stepProjectedEach(java.util.List<Stepper> steppers, float[][] projected) {
        int n = steppers.size();
        float[][] xs = projected;
        float[][] xg = new float[n][];
        float[][] hg = new float[n][];
        float[][] states = new float[n][];
        for (int i = 0; i < n; i++) {
            Stepper st = steppers.get(i);
            if (st.owner() != this) {
                throw new IllegalArgumentException("a stepper of another snapshot");
            }
            xg[i] = st.xg;
            hg[i] = st.hg;
        }
        for (int l = 0; l < layers; l++) {
            if (l > 0) {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(bx[l], 0, xg[i], 0, 3 * hidden);
                }
                wx[l].addEach(xs, n, xg);
                xs = xg;
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(bh[l], 0, hg[i], 0, 3 * hidden);
                states[i] = steppers.get(i).state[l];
            }
            wh[l].addEach(states, n, hg);
            for (int i = 0; i < n; i++) {
                update(xs[i], hg[i], states[i]);
            }
            xs = states.clone();
        }
        return xs;
    }

    /** The GRU update of one state from its input and recurrent gate pre-activations. */
    private void update(float[] xl, float[] hg, float[] s) {
        int h = hidden;
        for (int j = 0; j < h; j++) {
            double r = GruCell.gate(xl[j] + hg[j]);
            double z = GruCell.gate(xl[h + j] + hg[h + j]);
            double nt = GruCell.candidate(xl[2 * h + j], r, hg[2 * h + j]);
            s[j] = (float) GruCell.next(nt, z, s[j]);
        }
    }

    /**
     * Runs the stack one step at a time for one sequence, carrying the states forward: O(1) work per step, and no
     * allocation (the gate buffers are the stepper's own).
     */
    public final class Stepper {
        /** Per layer, the state after the last step (read by {@link TokenGru}'s warm-up). */
        final float[][] state = new float[layers][hidden];
        private final float[] xg = new float[3 * hidden];
        private final float[] hg = new float[3 * hidden];

        private GruSnapshot owner() {
            return GruSnapshot.this;
        }

        private Stepper(float[][] initial) {
            if (initial != null) {
                for (int l = 0; l < layers; l++) {
                    System.arraycopy(initial[l], 0, state[l], 0, hidden);
                }
            }
        }

        /**
         * Feeds one input.
         *
         * @param x {@code input} values
         * @return the top layer's new state (live: copy it to keep it)
         */
        public float[] step(float[] x) {
            return stepProjected(project(x));
        }

        /**
         * Feeds one input given as its first-layer projection ({@link GruSnapshot#project}).
         *
         * @param projected {@code 3·hidden} values (not modified)
         * @return the top layer's new state (live: copy it to keep it)
         */
        public float[] stepProjected(float[] projected) {
            int h = hidden;
            float[] x = null;
            for (int l = 0; l < layers; l++) {
                float[] xl = projected;
                if (l > 0) {
                    System.arraycopy(bx[l], 0, xg, 0, 3 * h);
                    wx[l].addProduct(x, xg);
                    xl = xg;
                }
                System.arraycopy(bh[l], 0, hg, 0, 3 * h);
                wh[l].addProduct(state[l], hg);
                update(xl, hg, state[l]);
                x = state[l];
            }
            return x;
        }
    }
}

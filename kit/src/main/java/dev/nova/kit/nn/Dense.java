package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer, {@code y = act(x·W + b)} over a batch of rows, with its backward pass.
 *
 * <p>Parameters follow PyTorch's {@code nn.Linear}: {@code W} is {@code [in, out]}, {@code b} is {@code [1, out]},
 * both uniform in ±1/√in, drawn weights first. The product runs as one {@code gemm} into a row-major array; the bias
 * and activation in one Java pass across the cores (without an activation, the bias is a second rank-1
 * {@code gemm}; so it is before a float GELU, whose kernel vectorises only without the bias in it).
 * Buffers are kept per batch size, so the arrays returned are valid until the next call with that batch size.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Dense {

    private final ParamSet params;
    private final String weight;
    private final String bias;
    private final int in;
    private final int out;
    private final Activation activation;
    /**
     * The most parts a pass over the output is split into. Each part keeps its column sums for the bias gradient
     * (added in part order afterwards: the same sums on any number of threads), so a GPT-2-sized MLP layer (8 k rows x
     * 3 072) holds 64 x 3 072 floats, not one row of sums per 16 k values (1 639 of them, 20 MB). Summing the columns
     * in a pass of their own instead cost 5-10% of a VAE step (a store per addition the JIT could not vectorise).
     */
    private static final int MAX_PARTS = 64;
    private final ShapeCache<Pass> passes = new ShapeCache<>();
    private Pass last;

    /**
     * One batch size's buffers: the input and output, and what the activation's derivative is computed from (the
     * output's Java copy, or for GELU the derivative itself, computed in the forward pass). The Java copies of a
     * GELU's output and of the output's gradient live for one call, in the model's {@link Scratch}.
     */
    private final class Pass {
        final INDArray ones;
        final int batch;
        final INDArray y;
        final Vec yJ;
        final Vec preJ;
        /**
         * The parts a pass over the output is split into: whole rows, about {@link Parallel#GRAIN} values, and at
         * most {@code MAX_PARTS} parts (so that the parts' column sums stay small for large layers).
         */
        final int grain;
        /** The bias as floats, read once per forward pass (float layers). */
        final float[] biasJ;
        /** Each part's column sums of the output's gradient, and their total: the bias gradient (float layers). */
        final float[][] sums;
        final float[] biasGrad;
        /** The pass's three products, each with its native context kept (see {@link Product}). */
        final Product forward = new Product();
        final Product weightGradient = new Product();
        final Product inputGradient = new Product();
        INDArray dx;
        INDArray x;

        Pass(int batch) {
            ones = Nd4j.ones(params.type(), 1, batch);
            this.batch = batch;
            y = Nd4j.create(params.type(), batch, out);
            yJ = activation == Activation.IDENTITY || activation.derivativeNeedsInput() ? null
                    : Vec.of(params.type(), batch * out);
            preJ = activation.derivativeNeedsInput() ? Vec.of(params.type(), batch * out) : null;
            grain = Math.max(Math.max(1, Parallel.GRAIN / out), (batch + MAX_PARTS - 1) / MAX_PARTS) * out;
            boolean floats = params.type() == org.nd4j.linalg.api.buffer.DataType.FLOAT;
            biasJ = floats ? new float[out] : null;
            sums = floats ? new float[(batch * out + grain - 1) / grain][out] : null;
            biasGrad = floats ? new float[out] : null;
        }

        /** The output's Java copy: the pass's own, or for GELU the model's scratch. */
        Vec output() {
            return yJ != null ? yJ : params.scratch().vec("dense.output", batch * out);
        }
    }

    /**
     * Creates the layer and registers {@code <name>.w} and {@code <name>.b}.
     *
     * @param params where its parameters live
     * @param name the prefix of its parameter names
     * @param in input width
     * @param out output width
     * @param activation applied to the output
     */
    public Dense(ParamSet params, String name, int in, int out, Activation activation) {
        this(params, name + ".w", name + ".b", in, out, activation);
    }

    /**
     * Creates the layer with explicit parameter names.
     *
     * @param params where its parameters live
     * @param weight the weight's name
     * @param bias the bias's name
     * @param in input width
     * @param out output width
     * @param activation applied to the output
     */
    public Dense(ParamSet params, String weight, String bias, int in, int out, Activation activation) {
        this(params, weight, bias, in, out, activation, Init.uniform(1 / Math.sqrt(in)), Init.uniform(1 / Math.sqrt(in)));
    }

    /**
     * Creates the layer with explicit parameter names and initialisation (GPT-style models draw weights from
     * N(0, 0.02) and start biases at zero).
     *
     * @param params where its parameters live
     * @param weight the weight's name
     * @param bias the bias's name
     * @param in input width
     * @param out output width
     * @param activation applied to the output
     * @param weightInit how the weight is drawn
     * @param biasInit how the bias is drawn
     */
    public Dense(ParamSet params, String weight, String bias, int in, int out, Activation activation, Init weightInit,
                 Init biasInit) {
        this.params = params;
        this.weight = weight;
        this.bias = bias;
        this.in = in;
        this.out = out;
        this.activation = activation;
        params.add(weight, in, out, weightInit);
        params.add(bias, 1, out, biasInit);
    }

    /** Input width. */
    public int in() {
        return in;
    }

    /** Output width. */
    public int out() {
        return out;
    }

    /**
     * The model FLOPs of a training pass over {@code rows} inputs ({@link Flops}): the forward product, the weight
     * gradient's, and the input gradient's when it is computed.
     *
     * @param rows the inputs
     * @param inputGradient whether {@link #backward} computes the input's gradient
     * @return the FLOPs
     * @since 1.3
     */
    public double trainingFlops(long rows, boolean inputGradient) {
        return (inputGradient ? 3 : 2) * Flops.product(rows, out, in);
    }

    private Pass pass(int batch) {
        return passes.get(batch, 0, () -> new Pass(batch));
    }

    /**
     * The forward pass; keeps {@code x} (by reference) and the output for {@link #backward}.
     *
     * @param x {@code [batch, in]}, contiguous row-major
     * @return {@code [batch, out]}, owned by the layer
     */
    public INDArray forward(INDArray x) {
        int batch = (int) x.rows();
        Pass p = pass(batch);
        p.x = x;
        last = p;
        INDArray w = params.get(weight);
        INDArray b = params.get(bias);
        p.forward.run(x, w, p.y, false, false, 1.0, 0.0);
        Vec yJ = p.output();
        INDArray yNd = p.y;
        float[] yf = yJ.floats();
        if (yf != null && (activation == Activation.IDENTITY || activation == Activation.GELU
                || activation == Activation.RELU)) {
            // Float layers: each part of whole rows is read from the native output, given its bias, activated and
            // written back by the thread that owns it. y + b is one float addition, the bits the rank-1 gemm
            // (ones' · b, beta 1) gave, without its call (6 of them took 0.4-0.8 ms of a VAE step of about 8).
            // ReLU is Math.max (which C2 vectorises; the conditional it replaced stayed a branch, mispredicted on
            // half of a layer's signs: 5 against 250-330 us per 64 k values): the same values, except that a NaN
            // stays NaN, as in PyTorch, where the branch made it 0.
            float[] bf = Buffers.read(b, p.biasJ);
            float[] df = p.preJ != null ? p.preJ.floats() : null;
            Activation act = activation;
            int n = out;
            Parallel.forRange(yJ.length(), p.grain, (from, to) -> {
                yJ.read(yNd, from, from, to - from);
                for (int r = from; r < to; r += n) {
                    for (int c = 0; c < n; c++) {
                        yf[r + c] += bf[c];
                    }
                }
                if (act == Activation.GELU) {
                    Activation.gelu(yf, df, from, to);
                } else if (act == Activation.RELU) {
                    for (int i = from; i < to; i++) {
                        yf[i] = Math.max(yf[i], 0f);
                    }
                }
                yJ.write(from, to - from, yNd, from);
            });
            return yNd;
        }
        if (activation == Activation.IDENTITY) {
            Nd4j.gemm(p.ones, b, yNd, true, false, 1.0, 1.0);
            return yNd;
        }
        double[] bv = Buffers.doubles(b);
        Activation act = activation;
        Vec pre = p.preJ;
        int n = out;
        Parallel.forRange(yJ.length(), (from, to) -> {
            yJ.read(yNd, from, from, to - from);
            int c = from % n;
            for (int i = from; i < to; i++) {
                double s = yJ.get(i) + bv[c];
                if (pre != null) {
                    // GELU: the derivative now, from the same tanh; the backward pass then only multiplies.
                    double t = Activation.geluTanh(s);
                    pre.set(i, Activation.geluDerivative(s, t));
                    yJ.set(i, Activation.gelu(s, t));
                } else {
                    yJ.set(i, act.apply(s));
                }
                if (++c == n) {
                    c = 0;
                }
            }
            yJ.write(from, to - from, yNd, from);
        });
        return yNd;
    }

    /**
     * The backward pass of the last {@link #forward}: writes the gradients of the weight and bias.
     *
     * @param dy the loss's gradient with respect to the output, {@code [batch, out]} (it may be the array
     *     {@link #forward} returned; the layer's output is spent after this)
     * @param inputGradient whether to compute the input's gradient
     * @return the gradient with respect to the input, {@code [batch, in]} owned by the layer, or {@code null}
     */
    public INDArray backward(INDArray dy, boolean inputGradient) {
        Pass p = last;
        if (p == null) {
            throw new IllegalStateException("backward before forward");
        }
        INDArray dPre = dy;
        if (p.dx == null) {
            // Made on the first backward pass (evaluation needs none).
            p.dx = Nd4j.create(params.type(), p.batch, in);
        }
        Vec g = params.scratch().vec("dense.gradient", p.batch * out);
        float[] gf = g.floats();
        boolean identity = activation == Activation.IDENTITY;
        if (!identity || gf != null) {
            INDArray dyc = Buffers.contiguous(dy);
            Vec y = p.yJ;
            Vec pre = p.preJ;
            Activation act = activation;
            float[] df = pre != null ? pre.floats() : null;
            float[] yf = y != null ? y.floats() : null;
            INDArray into = p.y;
            float[][] sums = p.sums;
            int n = out;
            // Each part of whole rows read, scaled by the derivative and written back (into the output's buffer:
            // the output is spent once its gradient is read) by the thread that owns it; float layers also sum
            // the part's columns there for the bias gradient.
            Parallel.forRange(g.length(), p.grain, (from, to) -> {
                g.read(dyc, from, from, to - from);
                if (identity) {
                    // Read only for the bias gradient below.
                } else if (gf != null && df != null) {
                    for (int i = from; i < to; i++) {
                        gf[i] *= df[i];
                    }
                } else if (gf != null && yf != null && act == Activation.RELU) {
                    // ReLU's derivative, 1 where the output is positive, 0 where it is +0, without a branch (see
                    // forward): a positive float times 1e38 twice is at least 1.4e31 (from the smallest
                    // subnormal), so the minimum is exactly 1; zero stays zero. g · 0 keeps its sign, as before.
                    for (int i = from; i < to; i++) {
                        gf[i] *= Math.min(yf[i] * 1e38f * 1e38f, 1f);
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        g.set(i, g.get(i) * (pre != null ? pre.get(i) : act.derivative(y.get(i))));
                    }
                }
                if (gf != null) {
                    float[] s = sums[from / p.grain];
                    java.util.Arrays.fill(s, 0f);
                    for (int r = from; r < to; r += n) {
                        for (int c = 0; c < n; c++) {
                            s[c] += gf[r + c];
                        }
                    }
                }
                if (!identity) {
                    g.write(from, to - from, into, from);
                }
            });
            if (!identity) {
                dPre = into;
            }
        }
        p.weightGradient.run(p.x, dPre, params.grad(weight), true, false, 1.0, 0.0);
        if (gf != null) {
            // The bias gradient: the parts' column sums, added in part order (the same sum on any number of threads).
            float[] total = p.biasGrad;
            java.util.Arrays.fill(total, 0f);
            for (float[] s : p.sums) {
                for (int c = 0; c < out; c++) {
                    total[c] += s[c];
                }
            }
            Buffers.write(total, params.grad(bias));
        } else {
            Nd4j.gemm(p.ones, dPre, params.grad(bias), false, false, 1.0, 0.0);
        }
        if (!inputGradient) {
            return null;
        }
        p.inputGradient.run(dPre, params.get(weight), p.dx, false, true, 1.0, 0.0);
        return p.dx;
    }

    /**
     * The layer's current parameters as plain arrays, for single-row inference (sampling) without ND4J's
     * per-operation cost.
     *
     * @return a snapshot
     */
    public Snapshot snapshot() {
        INDArray w = params.get(weight);
        if (params.isFixed() && (long) in * out >= NativeMatrix.GEMV_ELEMENTS && Buffers.plainFloats(w)) {
            // Parameters that never change: the products read them where they are (no second copy of the weights).
            return new Snapshot(NativeMatrix.over(new org.bytedeco.javacpp.FloatPointer(w.data().addressPointer()), w,
                    in, out, false), Buffers.floats(params.get(bias)), in, out, activation);
        }
        return new Snapshot(Buffers.floats(w), Buffers.floats(params.get(bias)), in, out, activation);
    }

    /**
     * A copy of a dense layer's parameters for one-row products: the weights in native memory, multiplied through
     * BLAS ({@link NativeMatrix}). Immutable; may be shared between threads.
     */
    public static final class Snapshot {
        private final NativeMatrix w;
        private final float[] b;
        private final int in;
        private final int out;
        private final Activation activation;

        /**
         * A layer's snapshot from its parameters' values.
         *
         * @param w {@code [in, out]} row-major (copied)
         * @param b {@code out} values (copied)
         * @param in input width
         * @param out output width
         * @param activation the activation
         * @return the snapshot
         */
        static Snapshot of(float[] w, float[] b, int in, int out, Activation activation) {
            return new Snapshot(w, b.clone(), in, out, activation);
        }

        /** A product without bias or activation ({@code y = x·W}), for a head made of another layer's weights. */
        static Snapshot linear(float[] w, int in, int out) {
            return new Snapshot(w, new float[out], in, out, Activation.IDENTITY);
        }

        /** A product without bias or activation over a matrix as it is. */
        static Snapshot linear(NativeMatrix w, int in, int out) {
            return new Snapshot(w, new float[out], in, out, Activation.IDENTITY);
        }

        private Snapshot(float[] w, float[] b, int in, int out, Activation activation) {
            this(new NativeMatrix(w, in, out), b, in, out, activation);
        }

        private Snapshot(NativeMatrix w, float[] b, int in, int out, Activation activation) {
            this.w = w;
            this.b = b;
            this.in = in;
            this.out = out;
            this.activation = activation;
        }

        /** Input width. */
        public int in() {
            return in;
        }

        /** Output width. */
        public int out() {
            return out;
        }

        /**
         * Applies the layer to one row.
         *
         * @param x {@code in} values
         * @return {@code out} values
         */
        public float[] apply(float[] x) {
            float[] y = new float[out];
            applyRows(x, 1, y);
            return y;
        }

        /**
         * Applies the layer to several rows at once, one product for all of them, into an array of the caller's
         * (sampling allocates nothing per character this way: fresh arrays for every step cost page faults on
         * untouched heap, a third of the first seconds' sampling time).
         *
         * @param x {@code [n, in]} row-major (at least {@code n·in} values)
         * @param n how many rows
         * @param y receives {@code [n, out]} row-major in its first {@code n·out} values
         */
        public void applyRows(float[] x, int n, float[] y) {
            for (int r = 0; r < n; r++) {
                System.arraycopy(b, 0, y, r * out, out);
            }
            w.addProducts(x, n, y);
            activate(y, n * out);
        }

        /**
         * Applies the layer to rows of separate arrays, each to the bit what {@link #applyRows applyRows(x[s], 1,
         * y[s])} gives it (sixteen rows or more of a matrix of half a million weights or more go through one BLAS
         * {@code sgemm}, which rounds its own way): several sequences decoded together.
         *
         * @param x {@code n} arrays of at least {@code in} values
         * @param n how many rows
         * @param y {@code n} arrays that receive {@code out} values each in their first values
         */
        public void applyEach(float[][] x, int n, float[][] y) {
            for (int r = 0; r < n; r++) {
                System.arraycopy(b, 0, y[r], 0, out);
            }
            w.addEach(x, n, y);
            for (int r = 0; r < n; r++) {
                activate(y[r], out);
            }
        }

        private void activate(float[] y, int n) {
            if (activation == Activation.GELU) {
                Activation.gelu(y, n);
            } else if (activation != Activation.IDENTITY) {
                for (int k = 0; k < n; k++) {
                    y[k] = (float) activation.apply(y[k]);
                }
            }
        }
    }
}

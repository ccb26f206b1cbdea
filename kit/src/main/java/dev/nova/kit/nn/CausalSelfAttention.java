package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Causal multi-head self-attention as GPT-2 writes it: {@code [q|k|v] = x·Wqkv + b}, per head
 * {@code softmax(q·kᵀ/√d_head + causal mask)·v}, heads concatenated and projected, with its backward pass and a
 * key/value {@link AttentionSnapshot.Cache} for generating one position at a time.
 *
 * <p>Sequences are batch-major: row {@code b·T + t} of a {@code [B·T, C]} matrix is position t of sequence b. The
 * six products per head (scores, weighted values, and their gradients) run as BLAS products per head in blocks of
 * rows that skip the causal upper triangle ({@link CausalProducts}: 10/16 of the work at T = 128, and about twice
 * the speed of ND4J's batched {@code matmul} on these shapes); the softmax, the mask and the head re-ordering run in
 * Java across the cores. Why not SameDiff's {@code multiHeadDotProductAttention}: SameDiff's per-operation session
 * overhead made its GRU 5x slower than hand-written passes (see {@link Gru}), a graph cannot share kit's
 * {@link Dense} layers and Adam, and its attention computes the masked half of every product.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class CausalSelfAttention {

    private final ParamSet params;
    private final int width;
    private final int heads;
    private final int headSize;
    private final Dense qkv;
    private final Dense proj;
    private final INDArray keyBiasGradient;
    private final ShapeCache<Work> works = new ShapeCache<>();
    private Work last;

    /**
     * What one (batch, time) shape's forward pass keeps for the backward pass: the heads' queries, keys and values,
     * the attention weights (once, native, packed as {@link CausalProducts} lays them out: the softmax's gradient
     * reads them into the model's scratch, shared by the layers; a Java copy per layer cost 48 MB a layer at GPT-2's
     * shape, and the whole {@code T × T} 48 MB where the packed triangle takes 25) and the concatenated heads (the
     * output projection's input). Everything else lives for one call, in the model's {@link Scratch}.
     */
    private final class Work {
        final int batch;
        final int time;
        final INDArray q;
        final INDArray k;
        final INDArray v;
        final INDArray s;
        final INDArray heads2d;

        Work(int batch, int time) {
            this.batch = batch;
            this.time = time;
            int bh = batch * heads;
            var type = params.type();
            q = Nd4j.create(type, bh, time, headSize);
            k = Nd4j.create(type, bh, time, headSize);
            v = Nd4j.create(type, bh, time, headSize);
            s = Nd4j.create(type, bh, CausalProducts.packed(time));
            heads2d = Nd4j.create(type, (long) batch * time, width);
        }
    }

    /**
     * Creates the layer and registers {@code <name>.qkv.w/b} and {@code <name>.proj.w/b}.
     *
     * @param params where its parameters live
     * @param name the prefix of its parameter names
     * @param width the model width C (a multiple of {@code heads})
     * @param heads attention heads
     * @param weightInit how the two projections' weights are drawn
     * @param biasInit how their biases are drawn
     */
    public CausalSelfAttention(ParamSet params, String name, int width, int heads, Init weightInit, Init biasInit) {
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not a multiple of " + heads + " heads");
        }
        this.params = params;
        this.width = width;
        this.heads = heads;
        this.headSize = width / heads;
        this.qkv = new Dense(params, name + ".qkv.w", name + ".qkv.b", width, 3 * width, Activation.IDENTITY, weightInit,
                biasInit);
        this.proj = new Dense(params, name + ".proj.w", name + ".proj.b", width, width, Activation.IDENTITY, weightInit,
                biasInit);
        this.keyBiasGradient = params.grad(name + ".qkv.b").get(NDArrayIndex.all(), NDArrayIndex.interval(width, 2 * width));
    }

    private Work work(int batch, int time) {
        return works.get(batch, time, () -> new Work(batch, time));
    }

    /**
     * The model FLOPs of a training pass ({@link #forward} and {@link #backward}) over {@code batch} sequences of
     * {@code time} positions ({@link Flops}): the input and output projections with their gradients, and per head
     * the scores, the weighted values and their four gradient products, over the blocks on and below the diagonal
     * that kit multiplies.
     *
     * @param batch sequences
     * @param time positions per sequence
     * @return the FLOPs
     * @since 1.3
     */
    public double trainingFlops(int batch, int time) {
        long rows = (long) batch * time;
        double attention = 0;
        for (int s = 0; s < time; s += CausalProducts.BLOCK) {
            int e = Math.min(time, s + CausalProducts.BLOCK);
            // Forward: q·kᵀ and P·v; backward: dY·vᵀ and dS·k (the same shape), Pᵀ·dY and dSᵀ·q.
            attention += 4 * Flops.product(e - s, e, headSize) + 2 * Flops.product(e - s, headSize, time - s);
        }
        return qkv.trainingFlops(rows, true) + proj.trainingFlops(rows, true) + (double) batch * heads * attention;
    }

    /**
     * Attends over each sequence, every position to itself and the positions before it.
     *
     * @param x {@code [batch·time, width]}, batch-major
     * @param batch sequences
     * @param time positions per sequence
     * @return {@code [batch·time, width]}, owned by the layer
     */
    public INDArray forward(INDArray x, int batch, int time) {
        Work w = work(batch, time);
        last = w;
        INDArray projected = qkv.forward(x);
        int c = width;
        int hs = headSize;
        int bh = batch * heads;
        Scratch scratch = params.scratch();
        Vec all = scratch.vec("attention.qkv", batch * time * 3 * c).read(Buffers.contiguous(projected));
        Vec qJ = scratch.vec("attention.q", bh * time * hs);
        Vec kJ = scratch.vec("attention.k", bh * time * hs);
        Vec vJ = scratch.vec("attention.v", bh * time * hs);
        // [B·T, 3C] (q|k|v, heads side by side) -> three [B·H, T, hs].
        Parallel.forParts(batch, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int t = 0; t < time; t++) {
                    int row = (b * time + t) * 3 * c;
                    for (int h = 0; h < heads; h++) {
                        int dst = ((b * heads + h) * time + t) * hs;
                        qJ.copy(all, row + h * hs, dst, hs);
                        kJ.copy(all, row + c + h * hs, dst, hs);
                        vJ.copy(all, row + 2 * c + h * hs, dst, hs);
                    }
                }
            }
        });
        qJ.write(w.q);
        kJ.write(w.k);
        vJ.write(w.v);
        CausalProducts.lowerProduct(w.q, w.k, w.s, bh, time, hs);
        int size = CausalProducts.packed(time);
        Vec p = scratch.vec("attention.p", bh * size).read(w.s);
        double scale = 1 / Math.sqrt(hs);
        float[] pf = p.floats();
        if (pf != null) {
            float scaleF = (float) scale;
            Parallel.forParts(bh * time, 16, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int t = r % time;
                    softmaxRow(pf, r / time * size + CausalProducts.rowAt(t, time), t + 1,
                            CausalProducts.rowLength(t, time), scaleF);
                }
            });
        } else {
            softmax(p, bh, time, scale);
        }
        p.write(w.s);
        INDArray yA = scratch.array("attention.heads", bh, time, hs);
        CausalProducts.lowerTimes(w.s, w.v, yA, bh, time, hs);
        Vec y = scratch.vec("attention.heads", bh * time * hs).read(yA);
        Vec cat = scratch.vec("attention.cat", batch * time * c);
        Parallel.forParts(batch, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int h = 0; h < heads; h++) {
                    for (int t = 0; t < time; t++) {
                        cat.copy(y, ((b * heads + h) * time + t) * hs, (b * time + t) * c + h * hs, hs);
                    }
                }
            }
        });
        cat.write(w.heads2d);
        return proj.forward(w.heads2d);
    }

    /** Softmax of each packed row's first {@code t + 1} scores (scaled), zero after them: the double path. */
    private static void softmax(Vec p, int bh, int time, double scale) {
        int size = CausalProducts.packed(time);
        Parallel.forParts(bh * time, 16, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int t = r % time;
                int o = r / time * size + CausalProducts.rowAt(t, time);
                int length = CausalProducts.rowLength(t, time);
                double max = Double.NEGATIVE_INFINITY;
                for (int u = 0; u <= t; u++) {
                    max = Math.max(max, p.get(o + u) * scale);
                }
                double z = 0;
                for (int u = 0; u <= t; u++) {
                    double e = Math.exp(p.get(o + u) * scale - max);
                    p.set(o + u, e);
                    z += e;
                }
                for (int u = 0; u <= t; u++) {
                    p.set(o + u, p.get(o + u) / z);
                }
                for (int u = t + 1; u < length; u++) {
                    p.set(o + u, 0);
                }
            }
        });
    }

    /**
     * The float path of {@link #softmax} for one row of {@code length} values at {@code o}, its first {@code n} the
     * scores, in the order {@link AttentionSnapshot.Cache#step} computes it: scaled scores, their maximum,
     * {@link FloatMath#exp} of the differences, their sum, then each over the sum; zeros after them.
     */
    static void softmaxRow(float[] p, int o, int n, int length, float scale) {
        int end = o + n;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = o; i < end; i++) {
            p[i] *= scale;
            max = Math.max(max, p[i]);
        }
        for (int i = o; i < end; i++) {
            p[i] = FloatMath.exp(p[i] - max);
        }
        float z = 0;
        for (int i = o; i < end; i++) {
            z += p[i];
        }
        float inv = 1 / z;
        for (int i = o; i < end; i++) {
            p[i] *= inv;
        }
        java.util.Arrays.fill(p, end, o + length, 0f);
    }

    /**
     * The backward pass of the last {@link #forward}: writes the projections' gradients.
     *
     * @param dOut the gradient with respect to the output
     * @return the gradient with respect to the input, owned by the layer
     */
    public INDArray backward(INDArray dOut) {
        Work w = last;
        if (w == null) {
            throw new IllegalStateException("backward before forward");
        }
        int batch = w.batch;
        int time = w.time;
        int c = width;
        int hs = headSize;
        int bh = batch * heads;
        INDArray dCat = proj.backward(dOut, true);
        Scratch scratch = params.scratch();
        Vec cat = scratch.vec("attention.cat", batch * time * c).read(Buffers.contiguous(dCat));
        // [B·T, C] -> [B·H, T, hs] (the reverse of the forward pass's concatenation).
        Vec dy = scratch.vec("attention.heads", bh * time * hs);
        Parallel.forParts(batch, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int h = 0; h < heads; h++) {
                    for (int t = 0; t < time; t++) {
                        dy.copy(cat, (b * time + t) * c + h * hs, ((b * heads + h) * time + t) * hs, hs);
                    }
                }
            }
        });
        INDArray dyA = scratch.array("attention.heads", bh, time, hs);
        dy.write(dyA);
        int size = CausalProducts.packed(time);
        INDArray dpA = scratch.array("attention.weights", bh, size);
        INDArray dvA = scratch.array("attention.dv", bh, time, hs);
        CausalProducts.lowerProduct(dyA, w.v, dpA, bh, time, hs);
        CausalProducts.lowerTransposedTimes(w.s, dyA, dvA, bh, time, hs);
        // Through the softmax: dS = P ⊙ (dP − Σ_u dP⊙P) / √hs (P is zero above the diagonal, so dS is too).
        Vec p = scratch.vec("attention.p", bh * size).read(w.s);
        Vec dp = scratch.vec("attention.weights", bh * size).read(dpA);
        double scale = 1 / Math.sqrt(hs);
        float[] pf = p.floats();
        float[] dpf = dp.floats();
        if (pf != null) {
            float scaleF = (float) scale;
            Parallel.forParts(bh * time, 16, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int t = r % time;
                    int o = r / time * size + CausalProducts.rowAt(t, time);
                    int end = o + t + 1;
                    float dot = 0;
                    for (int i = o; i < end; i++) {
                        dot += dpf[i] * pf[i];
                    }
                    for (int i = o; i < end; i++) {
                        dpf[i] = pf[i] * (dpf[i] - dot) * scaleF;
                    }
                    java.util.Arrays.fill(dpf, end, o + CausalProducts.rowLength(t, time), 0f);
                }
            });
        } else {
            Parallel.forParts(bh * time, 16, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int t = r % time;
                    int o = r / time * size + CausalProducts.rowAt(t, time);
                    int length = CausalProducts.rowLength(t, time);
                    double dot = 0;
                    for (int u = 0; u <= t; u++) {
                        dot += dp.get(o + u) * p.get(o + u);
                    }
                    for (int u = 0; u < length; u++) {
                        dp.set(o + u, u <= t ? p.get(o + u) * (dp.get(o + u) - dot) * scale : 0);
                    }
                }
            });
        }
        dp.write(dpA);
        INDArray dqA = scratch.array("attention.dq", bh, time, hs);
        INDArray dkA = scratch.array("attention.dk", bh, time, hs);
        CausalProducts.lowerTimes(dpA, w.k, dqA, bh, time, hs);
        CausalProducts.lowerTransposedTimes(dpA, w.q, dkA, bh, time, hs);
        Vec dq = scratch.vec("attention.q", bh * time * hs).read(dqA);
        Vec dk = scratch.vec("attention.k", bh * time * hs).read(dkA);
        Vec dv = scratch.vec("attention.v", bh * time * hs).read(dvA);
        Vec all = scratch.vec("attention.qkv", batch * time * 3 * c);
        Parallel.forParts(batch, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int t = 0; t < time; t++) {
                    int row = (b * time + t) * 3 * c;
                    for (int h = 0; h < heads; h++) {
                        int src = ((b * heads + h) * time + t) * hs;
                        all.copy(dq, src, row + h * hs, hs);
                        all.copy(dk, src, row + c + h * hs, hs);
                        all.copy(dv, src, row + 2 * c + h * hs, hs);
                    }
                }
            }
        });
        INDArray dqkv = scratch.array("attention.dqkv", (long) batch * time, 3L * c);
        all.write(dqkv);
        INDArray dx = qkv.backward(dqkv, true);
        // The keys' bias adds the same amount to every score of a query, which softmax ignores: its gradient is
        // exactly zero. Float rounding leaves noise of about 1e-9 there, which Adam (scale-free) turns into steps
        // of the learning rate in random directions that depend on the summation order; they change no output,
        // but a data-parallel run drifted from a single-process one by them (2.3e-5 relative in 20 steps).
        keyBiasGradient.assign(0);
        return dx;
    }

    /**
     * The layer's parameters as plain arrays, for a {@link AttentionSnapshot.Cache}.
     *
     * @return the snapshot
     */
    public AttentionSnapshot snapshot() {
        return new AttentionSnapshot(width, heads, qkv.snapshot(), proj.snapshot());
    }
}

package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import dev.nova.kit.nn.GruBuffers.Layer;
import dev.nova.kit.nn.GruBuffers.Work;

/**
 * A stack of GRU layers with backpropagation through time; {@link #snapshot()} for one-step sampling.
 *
 * <p>The GRU follows PyTorch's formulation ({@link GruCell}, shared with sampling), so that parity runs compare
 * like with like: {@code r = σ(x·Wxr + bxr + h·Whr + bhr)}, {@code z = σ(x·Wxz + bxz + h·Whz + bhz)},
 * {@code n = tanh(x·Wxn + bxn + r ⊙ (h·Whn + bhn))}, {@code h' = (1 − z) ⊙ n + z ⊙ h}; the three gates share one
 * matrix per input ({@code [in, 3·hidden]}, columns r|z|n), all initialised uniform in ±1/√hidden.
 *
 * <p>Sequences are time-major: row {@code t·batch + b} of a {@code [time·batch, ·]} matrix is step t of sequence
 * b. The input projection of all steps is one matrix product; each step then needs one product with the
 * recurrent weights, and the gate arithmetic runs in Java split over the batch across the cores (ND4J's
 * per-operation overhead, tens of microseconds, dominated when each gate was its own operation).
 *
 * <p>Why not SameDiff: measured at text-gru's parity size (T 64, B 32, hidden 256), a SameDiff graph with
 * {@code sd.rnn().gru} took 1.06 s per training step and a graph with the recurrence unrolled into SameDiff ops
 * 1.55 s, against about 0.15 s for PyTorch; this implementation trains at PyTorch's speed.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Gru {

    private final ParamSet params;
    private final String prefix;
    private final int input;
    private final int hidden;
    private final int layers;
    private final double dropout;
    /** Buffers per (time, batch) shape, kept under kit's one policy ({@link ShapeCache}). */
    private final ShapeCache<Work> works = new ShapeCache<>();
    private Work last;
    private double[][] dInitial;

    /**
     * Creates the stack and registers {@code <prefix><l>.wx}, {@code <prefix><l>.bx}, {@code <prefix><l>.wh}, {@code <prefix><l>.bh} per layer {@code l} (for example {@code gru.0.wx}).
     *
     * @param params where its parameters live
     * @param prefix the prefix of its parameter names (may be empty)
     * @param input input width
     * @param hidden state width
     * @param layers layers
     * @param dropout dropout between layers in training, in [0, 1)
     */
    public Gru(ParamSet params, String prefix, int input, int hidden, int layers, double dropout) {
        this.params = params;
        this.prefix = prefix;
        this.input = input;
        this.hidden = hidden;
        this.layers = layers;
        this.dropout = dropout;
        Init init = Init.uniform(1 / Math.sqrt(hidden));
        for (ParamLayout.Entry e : GruSnapshot.layout(prefix, input, hidden, layers).entries()) {
            params.add(e.name(), e.rows(), e.cols(), init);
        }
    }

    private String name(String kind, int layer) {
        return GruSnapshot.name(prefix, kind, layer);
    }

    /** State width. */
    public int hidden() {
        return hidden;
    }

    /** Layers. */
    public int layers() {
        return layers;
    }

    /**
     * The model FLOPs of a training pass ({@link #forward} and {@link #backward}) over {@code batch} sequences of
     * {@code time} steps ({@link Flops}). Per layer: the input projection; the recurrent product of every step
     * whose previous state is not the zero state (all {@code time} with an initial state, else {@code time - 1}),
     * and as many backward through the state and into the recurrent weights' gradient; the input weights'
     * gradient and the input's. A first layer reading an embedding projects and differentiates the vocabulary's
     * rows once instead of every position's.
     *
     * @param time steps per sequence
     * @param batch sequences
     * @param initial whether an initial state is given
     * @param vocabulary the embedding's rows when the first layer reads an embedding, else 0
     * @param inputGradient whether {@link #backward} computes the gradient of a plain input (an embedding's
     *     gradient is always computed)
     * @return the FLOPs
     * @since 1.3
     */
    public double trainingFlops(int time, int batch, boolean initial, int vocabulary, boolean inputGradient) {
        long g3 = 3L * hidden;
        long positions = (long) time * batch;
        long recurrent = (long) (initial ? time : time - 1) * batch;
        double total = 0;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? input : hidden;
            total += 3 * Flops.product(recurrent, g3, hidden);
            if (l == 0 && vocabulary > 0) {
                total += 3 * Flops.product(vocabulary, g3, in);
            } else {
                total += (l > 0 || inputGradient ? 3 : 2) * Flops.product(positions, g3, in);
            }
        }
        return total;
    }

    /**
     * The first layer's input gradients when it reads an embedding: S = the rows of dXg summed per token, then
     * {@code dWx0 = Eᵀ·S}, {@code dbx0 = Σ S} and {@code dE = S·Wx0ᵀ}.
     */
    private void tokenGradients(Work w, Vec dXg) {
        int g3 = 3 * hidden;
        Vec sums = w.tokenSumsJ;
        int[] tokens = w.tokens;
        // Columns split across the cores: each thread adds whole columns in position order (deterministic).
        Parallel.forParts(g3, 64, (c0, c1) -> {
            for (int v = 0; v < w.embedding.vocab(); v++) {
                sums.fill(v * g3 + c0, v * g3 + c1, 0);
            }
            for (int i = 0; i < tokens.length; i++) {
                int so = tokens[i] * g3;
                int go = i * g3;
                for (int c = c0; c < c1; c++) {
                    sums.add(so + c, dXg.get(go + c));
                }
            }
        });
        sums.write(w.tokenSums);
        w.tokenWeightGradient.run(w.embedding.weights(), w.tokenSums, params.grad(name("wx", 0)), true, false, 1.0, 0.0);
        Nd4j.gemm(w.vocabOnes, w.tokenSums, params.grad(name("bx", 0)), false, false, 1.0, 0.0);
        w.tokenInputGradient.run(w.tokenSums, params.get(name("wx", 0)), w.embedding.gradient(), false, true, 1.0, 0.0);
    }

    private Work work(int time, int batch) {
        return works.get(time, batch, () -> new Work(params.type(), time, batch, layers, input, hidden));
    }

    /**
     * Runs the stack over a batch of sequences.
     *
     * @param x {@code [time·batch, input]}, time-major
     * @param time steps
     * @param batch sequences
     * @param initial the initial state per layer ({@code [batch·hidden]} each), or {@code null} for zeros
     * @param dropRandom the dropout masks' source (drawn layer by layer, value by value), or {@code null} for none
     * @return the top layer's states, {@code [time·batch, hidden]}, owned by the stack (valid until the next call
     *     with this shape)
     */
    public INDArray forward(INDArray x, int time, int batch, double[][] initial, Random dropRandom) {
        return forward(x, time, batch, initial, dropRandom == null ? null : Dropout.stream(dropRandom));
    }

    /**
     * Runs the stack over a batch of sequences, drawing dropout masks from {@code masks} (one call per layer
     * below the top, {@code [time·batch, hidden]} values each, time-major).
     *
     * @param x {@code [time·batch, input]}, time-major
     * @param time steps
     * @param batch sequences
     * @param initial the initial state per layer, or {@code null} for zeros
     * @param masks the dropout masks, or {@code null} for none
     * @return the top layer's states, {@code [time·batch, hidden]}, owned by the stack
     * @since 0.2
     */
    public INDArray forward(INDArray x, int time, int batch, double[][] initial, Dropout.Masks masks) {
        Work w = work(time, batch);
        w.tokens = null;
        w.embedding = null;
        w.training = true;
        return run(w, x, initial, masks);
    }

    /**
     * Runs the stack for inference: the same states as {@link #forward} without dropout, keeping none of the gate
     * values a backward pass would need (a fifth of the memory of a training pass; no {@link #backward} after it).
     *
     * @param x {@code [time·batch, input]}, time-major
     * @param time steps
     * @param batch sequences
     * @param initial the initial state per layer, or {@code null} for zeros
     * @return the top layer's states, {@code [time·batch, hidden]}, owned by the stack
     */
    public INDArray infer(INDArray x, int time, int batch, double[][] initial) {
        Work w = work(time, batch);
        w.tokens = null;
        w.embedding = null;
        w.training = false;
        return run(w, x, initial, null);
    }

    /**
     * Runs the stack over a batch of token sequences looked up in an embedding, which is then part of the stack:
     * {@link #backward} writes the embedding's gradient too. The first layer's input projection is gathered
     * from the table {@code E·Wx0} ({@code [vocab, 3·hidden]}) instead of computed per position, and its
     * gradients come from per-token sums of the gate gradients: the same values, without the three
     * {@code [time·batch, ·]} products of the input (a sixth of a text-gru training step's arithmetic).
     *
     * @param embedding the embedding of the tokens (its width must be this stack's input width)
     * @param tokens {@code time·batch} tokens, time-major
     * @param time steps
     * @param batch sequences
     * @param initial the initial state per layer, or {@code null} for zeros
     * @param dropRandom the dropout masks' source, or {@code null} for none
     * @return the top layer's states, {@code [time·batch, hidden]}, owned by the stack
     */
    public INDArray forward(Embedding embedding, int[] tokens, int time, int batch, double[][] initial, Random dropRandom) {
        return forward(embedding, tokens, time, batch, initial, dropRandom == null ? null : Dropout.stream(dropRandom));
    }

    /**
     * As {@link #forward(Embedding, int[], int, int, double[][], Random)}, drawing dropout masks from {@code masks}
     * (one call per layer below the top, {@code [time·batch, hidden]} values each, time-major).
     *
     * @param embedding the embedding of the tokens
     * @param tokens {@code time·batch} tokens, time-major
     * @param time steps
     * @param batch sequences
     * @param initial the initial state per layer, or {@code null} for zeros
     * @param masks the dropout masks, or {@code null} for none
     * @return the top layer's states, {@code [time·batch, hidden]}, owned by the stack
     * @since 0.2
     */
    public INDArray forward(Embedding embedding, int[] tokens, int time, int batch, double[][] initial, Dropout.Masks masks) {
        if (embedding.width() != input) {
            throw new IllegalArgumentException("embedding width " + embedding.width() + " is not the GRU's input width "
                    + input);
        }
        Work w = work(time, batch);
        w.tokens = tokens;
        w.training = true;
        if (w.embedding != embedding || w.table == null) {
            int g3 = 3 * hidden;
            w.table = Nd4j.create(params.type(), embedding.vocab(), g3);
            w.tableJ = Vec.of(params.type(), embedding.vocab() * g3);
            w.tokenSums = Nd4j.create(params.type(), embedding.vocab(), g3);
            w.tokenSumsJ = Vec.of(params.type(), embedding.vocab() * g3);
            w.vocabOnes = Nd4j.ones(params.type(), 1, embedding.vocab());
            w.embedding = embedding;
        }
        return run(w, null, initial, masks);
    }

    private INDArray run(Work w, INDArray x, double[][] initial, Dropout.Masks masks) {
        last = w;
        w.initialGiven = initial != null;
        dInitial = null;
        INDArray in = x;
        for (int l = 0; l < layers; l++) {
            Layer L = w.layer[l];
            L.input = in;
            L.initial = initial == null ? null : initial[l];
            if (w.training) {
                L.traces();
            }
            layerForward(l, w, L);
            L.mask = masks != null && dropout > 0 && l < layers - 1 ? masks.next(dropout, w.n * hidden) : null;
            if (L.mask != null) {
                double[] v = new double[w.n * hidden];
                for (int i = 0; i < v.length; i++) {
                    v[i] = L.outJ.get(i) * L.mask[i];
                }
                if (L.dropped == null) {
                    L.dropped = Nd4j.create(params.type(), w.n, hidden);
                }
                Buffers.write(v, L.dropped);
            }
            in = L.output();
        }
        return in;
    }

    /**
     * Backpropagates through the last {@link #forward}: writes every parameter's gradient, and the initial
     * states' gradients ({@link #initialGradient}).
     *
     * @param dTop the loss's gradient with respect to the top layer's states
     * @param inputGradient whether to compute the input's gradient
     * @return the gradient with respect to {@code x} (owned by the stack), or {@code null}
     */
    public INDArray backward(INDArray dTop, boolean inputGradient) {
        Work w = last;
        if (w == null || !w.training) {
            throw new IllegalStateException(w == null ? "backward before forward" : "backward after infer");
        }
        dInitial = new double[layers][];
        INDArray d = dTop;
        for (int l = layers - 1; l >= 0; l--) {
            d = layerBackward(l, w, w.layer[l], d, l > 0 || inputGradient);
            if (l > 0 && w.layer[l - 1].mask != null) {
                double[] v = Buffers.doubles(d);
                Dropout.apply(v, w.layer[l - 1].mask);
                Buffers.write(v, d);
            }
        }
        return d;
    }

    /**
     * The gradient of the loss with respect to each layer's initial state, from the last {@link #backward}.
     *
     * @return per layer, {@code [batch·hidden]}; {@code null} entries when the forward pass started from zeros
     */
    public double[][] initialGradient() {
        if (dInitial == null) {
            throw new IllegalStateException("initialGradient before backward");
        }
        return dInitial;
    }

    private void layerForward(int l, Work w, Layer L) {
        int h = hidden;
        int g3 = 3 * h;
        int batch = w.batch;
        INDArray wh = params.get(name("wh", l));
        double[] bh = Buffers.doubles(params.get(name("bh", l)));
        double[] bx = Buffers.doubles(params.get(name("bx", l)));
        Vec xg;
        int[] xRows = l == 0 ? w.tokens : null;
        if (xRows != null) {
            // The input projection of every token of the vocabulary; positions read their token's row.
            w.tableProduct.run(w.embedding.weights(), params.get(name("wx", l)), w.table, false, false, 1.0, 0.0);
            xg = w.tableJ.read(w.table);
        } else {
            // One product for every step's input projection, into a row-major array (mmul's result may be
            // column-major, and re-ordering 1.5 M values cost more than the product). Each step's part reads its
            // own rows of it below.
            xg = L.projection();
            L.projectionProduct.run(L.input, params.get(name("wx", l)), L.xg, false, false, 1.0, 0.0);
        }
        Vec out = L.outJ;
        Vec hg = L.hgJ;
        boolean keep = w.training;
        double[] initial = L.initial;
        if (initial != null) {
            Buffers.write(initial, L.h0);
        }
        for (int t = 0; t < w.time; t++) {
            boolean recurrent = t > 0 || initial != null;
            if (recurrent) {
                L.recurrent[t].run(t > 0 ? L.outRows[t - 1] : L.h0, wh, L.hg, false, false, 1.0, 0.0);
            }
            int base = t * batch;
            int step = t;
            // Each part copies its own rows in and out (the step's recurrent product, its input projection, its
            // states) on the thread that computes them: copied by the calling thread alone, they left the other
            // core idle at every step.
            Parallel.forParts(batch, 4, (b0, b1) -> {
                if (recurrent) {
                    hg.read(L.hg, (long) b0 * g3, b0 * g3, (b1 - b0) * g3);
                } else {
                    hg.fill(b0 * g3, b1 * g3, 0);
                }
                if (xRows == null) {
                    xg.read(L.xg, (long) (base + b0) * g3, (base + b0) * g3, (b1 - b0) * g3);
                }
                double[][] cell = GruCell.rowScratch(h);
                double[] hn = cell[0];
                double[] r = cell[1];
                double[] z = cell[2];
                double[] nt = cell[3];
                for (int b = b0; b < b1; b++) {
                    int xo = (xRows == null ? base + b : xRows[base + b]) * g3;
                    int to = (base + b) * h;
                    int po = to - batch * h;
                    GruCell.row(xg, xo, hg, b * g3, bx, bh, h, cell);
                    for (int j = 0; j < h; j++) {
                        double prev = step > 0 ? out.get(po + j) : initial != null ? initial[b * h + j] : 0;
                        if (keep) {
                            L.rJ.set(to + j, r[j]);
                            L.zJ.set(to + j, z[j]);
                            L.nJ.set(to + j, nt[j]);
                            L.hgnJ.set(to + j, hn[j]);
                        }
                        out.set(to + j, GruCell.next(nt[j], z[j], prev));
                    }
                }
                out.write((base + b0) * h, (b1 - b0) * h, L.out, (long) (base + b0) * h);
            });
        }
    }

    private INDArray layerBackward(int l, Work w, Layer L, INDArray dOut, boolean inputGradient) {
        int h = hidden;
        int g3 = 3 * h;
        int batch = w.batch;
        int n = w.n;
        INDArray wh = params.get(name("wh", l));
        L.gradients();
        INDArray dOutC = Buffers.contiguous(dOut);
        Vec dOutV = L.dOutJ;
        Vec dXg = L.dXgJ;
        Vec dHg = L.dHgJ;
        Vec out = L.outJ;
        Vec back = L.backJ;
        boolean tokens = l == 0 && w.tokens != null;
        double[] initial = L.initial;
        double[] dNext = new double[batch * h];
        for (int t = w.time - 1; t >= 0; t--) {
            int base = t * batch;
            int step = t;
            // The previous iteration's recurrent product (the gradient reaching this step's states) is added, and
            // this step's rows copied in and out, by the part that owns the rows (see layerForward).
            boolean fromLater = t < w.time - 1;
            Parallel.forParts(batch, 4, (b0, b1) -> {
                dOutV.read(dOutC, (long) (base + b0) * h, (base + b0) * h, (b1 - b0) * h);
                if (fromLater) {
                    back.read(L.back, (long) b0 * h, b0 * h, (b1 - b0) * h);
                    for (int i = b0 * h; i < b1 * h; i++) {
                        dNext[i] += back.get(i);
                    }
                }
                for (int b = b0; b < b1; b++) {
                    int to = (base + b) * h;
                    int po = to - batch * h;
                    int so = b * h;
                    int go = (base + b) * g3;
                    for (int j = 0; j < h; j++) {
                        double dh = dOutV.get(to + j) + dNext[so + j];
                        double r = L.rJ.get(to + j);
                        double z = L.zJ.get(to + j);
                        double nt = L.nJ.get(to + j);
                        double prev = step > 0 ? out.get(po + j) : initial != null ? initial[so + j] : 0;
                        double dnPre = dh * (1 - z) * (1 - nt * nt);
                        double drPre = dnPre * L.hgnJ.get(to + j) * r * (1 - r);
                        double dzPre = dh * (prev - nt) * z * (1 - z);
                        dXg.set(go + j, drPre);
                        dXg.set(go + h + j, dzPre);
                        dXg.set(go + 2 * h + j, dnPre);
                        dHg.set(go + j, drPre);
                        dHg.set(go + h + j, dzPre);
                        dHg.set(go + 2 * h + j, dnPre * r);
                        dNext[so + j] = dh * z;
                    }
                }
                int from = (base + b0) * g3;
                dHg.write(from, (b1 - b0) * g3, L.dHg, from);
                if (!tokens) {
                    dXg.write(from, (b1 - b0) * g3, L.dXg, from);
                }
            });
            // Before step 0 is the initial state: its gradient is needed only when one was given.
            if (t > 0 || initial != null) {
                L.recurrentGradient[t].run(L.dHgRows[t], wh, L.back, false, true, 1.0, 0.0);
            }
        }
        if (initial != null) {
            back.read(L.back);
            for (int i = 0; i < dNext.length; i++) {
                dNext[i] += back.get(i);
            }
        }
        dInitial[l] = initial != null ? dNext : null;
        if (tokens) {
            tokenGradients(w, dXg);
        }
        // dWh = Σ_t h_{t-1}ᵀ·dHg_t: the states of steps 0..T-2 against the gate gradients of steps 1..T-1, plus
        // the initial state against step 0's.
        INDArray gWh = params.grad(name("wh", l));
        if (w.time > 1) {
            L.recurrentWeightGradient.run(L.outBefore(), L.dHgAfter(), gWh, true, false, 1.0, 0.0);
        } else {
            gWh.assign(0);
        }
        if (initial != null) {
            L.initialWeightGradient.run(L.h0, L.dHgRows[0], gWh, true, false, 1.0, 1.0);
        }
        Nd4j.gemm(w.ones, L.dHg, params.grad(name("bh", l)), false, false, 1.0, 0.0);
        if (l == 0 && w.tokens != null) {
            return null;
        }
        L.inputWeightGradient.run(L.input, L.dXg, params.grad(name("wx", l)), true, false, 1.0, 0.0);
        Nd4j.gemm(w.ones, L.dXg, params.grad(name("bx", l)), false, false, 1.0, 0.0);
        if (!inputGradient) {
            return null;
        }
        L.inputGradient.run(L.dXg, params.get(name("wx", l)), L.dx, false, true, 1.0, 0.0);
        return L.dx;
    }

    /**
     * The current parameters as plain arrays, for any number of {@link GruSnapshot.Stepper}s (take one per
     * generation request: it is a copy, so training on does not change a sample in progress).
     *
     * @return the snapshot
     */
    public GruSnapshot snapshot() {
        return GruSnapshot.of(name -> Buffers.floats(params.get(name)), prefix, input, hidden, layers);
    }
}

package dev.nova.textgru.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network: embedding → stacked GRUs → dense logits, with forward and backward passes (backpropagation
 * through time) written directly on ND4J arrays.
 *
 * <p>The GRU follows PyTorch's formulation, so that parity runs compare like with like:
 * {@code r = σ(x·Wxr + bxr + h·Whr + bhr)}, {@code z = σ(x·Wxz + bxz + h·Whz + bhz)},
 * {@code n = tanh(x·Wxn + bxn + r ⊙ (h·Whn + bhn))}, {@code h' = (1 − z) ⊙ n + z ⊙ h}; the three gates share one
 * matrix per input ({@code [in, 3·hidden]}, columns r|z|n).
 *
 * <p>Why not SameDiff: measured on this machine at the parity size (T 64, B 32, hidden 256), a SameDiff graph with
 * {@code sd.rnn().gru} took 1.06 s per training step (193 ms forward; its {@code gru_bp} dominates) and a graph
 * with the recurrence unrolled into SameDiff ops 1.55 s, against about 0.15 s for PyTorch. Its per-op session
 * overhead is the cost; direct array operations with one matrix product per gate set and time step avoid it.
 * Sequences are time-major: row {@code t·batch + b} of a {@code [time·batch, ·]} matrix is step t of sequence b.
 */
public final class GruNetwork {

    private final int vocab;
    private final int embedding;
    private final int layers;
    private final int hidden;
    private final double dropout;
    private final DataType type;
    private final LinkedHashMap<String, INDArray> params = new LinkedHashMap<>();

    /**
     * Creates a network with PyTorch's default initialisation (N(0,1) embedding, uniform ±1/√hidden elsewhere),
     * drawn from {@code seed} alone.
     *
     * @param vocab vocabulary size
     * @param embedding embedding width
     * @param layers GRU layers
     * @param hidden GRU width
     * @param dropout dropout between layers in training
     * @param seed initialisation seed
     */
    public GruNetwork(int vocab, int embedding, int layers, int hidden, double dropout, long seed) {
        this(vocab, embedding, layers, hidden, dropout, seed, DataType.FLOAT);
    }

    GruNetwork(int vocab, int embedding, int layers, int hidden, double dropout, long seed, DataType type) {
        this.vocab = vocab;
        this.embedding = embedding;
        this.layers = layers;
        this.hidden = hidden;
        this.dropout = dropout;
        this.type = type;
        Random r = new Random(seed);
        double k = 1 / Math.sqrt(hidden);
        params.put("emb", init(r, -1, vocab, embedding));
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? embedding : hidden;
            params.put("wx" + l, init(r, k, in, 3 * hidden));
            params.put("bx" + l, init(r, k, 1, 3 * hidden));
            params.put("wh" + l, init(r, k, hidden, 3 * hidden));
            params.put("bh" + l, init(r, k, 1, 3 * hidden));
        }
        params.put("wo", init(r, k, hidden, vocab));
        params.put("bo", init(r, k, 1, vocab));
    }

    /** Gaussian N(0,1) when {@code k < 0}, else uniform in [-k, k]. */
    private INDArray init(Random r, double k, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = k < 0 ? r.nextGaussian() : (r.nextDouble() * 2 - 1) * k;
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c').castTo(type);
    }

    /** The parameters by name, in a fixed order; updated in place by the optimiser. */
    public Map<String, INDArray> params() {
        return params;
    }

    /** The GRU width. */
    public int hidden() {
        return hidden;
    }

    /**
     * What the forward pass keeps for the backward pass of one layer; gate values are row-major
     * {@code [time·batch, hidden]} in plain arrays.
     */
    private record LayerTrace(INDArray input, double[] hPrev, double[] r, double[] z, double[] n, double[] hgn,
                              INDArray out, INDArray dropMask) {
    }

    /** A new {@code [rows, cols]} array holding {@code v}, copied in bulk through the native pointer. */
    private INDArray matrix(double[] v, long rows, long cols) {
        INDArray a = Nd4j.create(type, rows, cols);
        write(v, a);
        return a;
    }

    /** Reused conversion buffer for {@link #read} and {@link #write}; the network is used by one thread. */
    private float[] scratch = new float[0];

    private float[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new float[n];
        }
        return scratch;
    }

    /** Copies {@code v} into a contiguous array (ND4J's element-wise puts were a tenth of a training step). */
    private void write(double[] v, INDArray a) {
        if (type == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).put(v, 0, v.length);
        } else {
            float[] f = scratch(v.length);
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            new FloatPointer(a.data().addressPointer()).put(f, 0, v.length);
        }
    }

    /** Copies a contiguous array's values into {@code dst}. */
    private void read(INDArray a, double[] dst) {
        if (type == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).get(dst, 0, dst.length);
        } else {
            float[] f = scratch(dst.length);
            new FloatPointer(a.data().addressPointer()).get(f, 0, dst.length);
            for (int i = 0; i < dst.length; i++) {
                dst[i] = f[i];
            }
        }
    }

    private double[] values(INDArray a) {
        INDArray c = a.isView() || a.ordering() != 'c' || a.offset() != 0 ? a.dup('c') : a;
        double[] v = new double[(int) c.length()];
        read(c, v);
        return v;
    }

    /** A loop body over the sequences {@code [from, to)} of a batch. */
    private interface BatchBody {
        void run(int from, int to);
    }

    /**
     * Runs a time step's gate arithmetic for the two halves of the batch on two cores (each sequence's values
     * depend only on its own row, so the split changes no result).
     */
    private static void forBatch(int batch, BatchBody body) {
        if (batch < 8) {
            body.run(0, batch);
            return;
        }
        int half = batch / 2;
        java.util.stream.IntStream.range(0, 2).parallel().forEach(k -> body.run(k == 0 ? 0 : half, k == 0 ? half : batch));
    }

    /** tanh through one exponential; {@link Math#tanh} was a third of the forward pass. */
    private static double tanh(double x) {
        return 2 / (1 + Math.exp(-2 * x)) - 1;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * Runs one GRU layer over a whole sequence batch. The input projection for all steps is one matrix product;
     * each step then needs one product with the recurrent weights, and the gate arithmetic runs in plain Java
     * (ND4J's per-operation overhead, tens of microseconds, dominated when each gate was its own operation).
     */
    private LayerTrace layerForward(int l, INDArray x, int time, int batch, Random dropRandom) {
        int h = hidden;
        int g3 = 3 * h;
        INDArray wh = params.get("wh" + l);
        double[] bh = values(params.get("bh" + l));
        double[] bx = values(params.get("bx" + l));
        int n = time * batch;
        // One product for every step's input projection, into a row-major array (mmul's result may be
        // column-major, and re-ordering 1.5 M values cost more than the product).
        INDArray xgNd = Nd4j.create(type, n, g3);
        Nd4j.gemm(x, params.get("wx" + l), xgNd, false, false, 1.0, 0.0);
        double[] xg = new double[n * g3];
        read(xgNd, xg);
        double[] out = new double[n * h];
        double[] hPrev = new double[n * h];
        double[] rAll = new double[n * h];
        double[] zAll = new double[n * h];
        double[] nAll = new double[n * h];
        double[] hgnAll = new double[n * h];
        double[] state = new double[batch * h];
        double[] hg = new double[batch * g3];
        INDArray stateNd = Nd4j.zeros(type, batch, h);
        INDArray hgNd = Nd4j.create(type, batch, g3);
        for (int t = 0; t < time; t++) {
            if (t > 0) {
                Nd4j.gemm(stateNd, wh, hgNd, false, false, 1.0, 0.0);
                read(hgNd, hg);
            }
            int base = t * batch;
            forBatch(batch, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int xo = (base + b) * g3;
                int go = b * g3;
                int so = b * h;
                int to = (base + b) * h;
                for (int j = 0; j < h; j++) {
                    double hr = hg[go + j] + bh[j];
                    double hz = hg[go + h + j] + bh[h + j];
                    double hn = hg[go + 2 * h + j] + bh[2 * h + j];
                    double r = sigmoid(xg[xo + j] + bx[j] + hr);
                    double z = sigmoid(xg[xo + h + j] + bx[h + j] + hz);
                    double nt = tanh(xg[xo + 2 * h + j] + bx[2 * h + j] + r * hn);
                    double prev = state[so + j];
                    double next = nt + z * (prev - nt);
                    hPrev[to + j] = prev;
                    rAll[to + j] = r;
                    zAll[to + j] = z;
                    nAll[to + j] = nt;
                    hgnAll[to + j] = hn;
                    out[to + j] = next;
                    state[so + j] = next;
                }
            }
            });
            write(state, stateNd);
        }
        INDArray mask = null;
        if (dropRandom != null && dropout > 0 && l < layers - 1) {
            double keep = 1 - dropout;
            double[] m = new double[n * h];
            for (int i = 0; i < m.length; i++) {
                m[i] = dropRandom.nextDouble() < keep ? 1 / keep : 0;
            }
            mask = matrix(m, n, h);
        }
        return new LayerTrace(x, hPrev, rAll, zAll, nAll, hgnAll, matrix(out, n, h), mask);
    }

    /** Backpropagates through one layer; adds its gradients to {@code grads} and returns its input's gradient. */
    private INDArray layerBackward(int l, LayerTrace tr, INDArray dOut, int time, int batch, Map<String, INDArray> grads) {
        int h = hidden;
        int g3 = 3 * h;
        int n = time * batch;
        INDArray wh = params.get("wh" + l);
        INDArray dHgTNd = Nd4j.create(type, batch, g3);
        INDArray backNd = Nd4j.create(type, batch, h);
        double[] back = new double[batch * h];
        double[] dHgT = new double[batch * g3];
        double[] dOutV = values(dOut);
        double[] dXg = new double[n * g3];
        double[] dHg = new double[n * g3];
        double[] dNext = new double[batch * h];
        for (int t = time - 1; t >= 0; t--) {
            int base = t * batch;
            forBatch(batch, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int to = (base + b) * h;
                int so = b * h;
                int go = (base + b) * g3;
                int lo = b * g3;
                for (int j = 0; j < h; j++) {
                    double dh = dOutV[to + j] + dNext[so + j];
                    double r = tr.r()[to + j];
                    double z = tr.z()[to + j];
                    double nt = tr.n()[to + j];
                    double dn = dh * (1 - z);
                    double dz = dh * (tr.hPrev()[to + j] - nt);
                    double dnPre = dn * (1 - nt * nt);
                    double drPre = dnPre * tr.hgn()[to + j] * r * (1 - r);
                    double dzPre = dz * z * (1 - z);
                    dXg[go + j] = drPre;
                    dXg[go + h + j] = dzPre;
                    dXg[go + 2 * h + j] = dnPre;
                    dHgT[lo + j] = drPre;
                    dHgT[lo + h + j] = dzPre;
                    dHgT[lo + 2 * h + j] = dnPre * r;
                    dNext[so + j] = dh * z;
                }
            }
            });
            System.arraycopy(dHgT, 0, dHg, base * g3, batch * g3);
            if (t > 0) {
                write(dHgT, dHgTNd);
                Nd4j.gemm(dHgTNd, wh, backNd, false, true, 1.0, 0.0);
                read(backNd, back);
                for (int i = 0; i < dNext.length; i++) {
                    dNext[i] += back[i];
                }
            }
        }
        INDArray dHgNd = matrix(dHg, n, g3);
        INDArray dXgNd = matrix(dXg, n, g3);
        INDArray wx = params.get("wx" + l);
        // Products with transposed operands straight into row-major results: transpose().mmul() re-ordered
        // its operands and results through copies.
        grads.put("wh" + l, product(matrix(tr.hPrev(), n, h), dHgNd, true, false, h, g3));
        grads.put("bh" + l, matrix(columnSums(dHg, n, g3), 1, g3));
        grads.put("wx" + l, product(tr.input(), dXgNd, true, false, wx.rows(), g3));
        grads.put("bx" + l, matrix(columnSums(dXg, n, g3), 1, g3));
        return product(dXgNd, wx, false, true, n, wx.rows());
    }

    /** {@code op(a)·op(b)} into a new row-major {@code [rows, cols]} array. */
    private INDArray product(INDArray a, INDArray b, boolean transA, boolean transB, long rows, long cols) {
        INDArray c = Nd4j.create(type, rows, cols);
        Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
        return c;
    }

    private static double[] columnSums(double[] v, int rows, int cols) {
        double[] s = new double[cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                s[c] += v[o + c];
            }
        }
        return s;
    }

    private INDArray embed(int[] tokens) {
        double[] emb = values(params.get("emb"));
        double[] x = new double[tokens.length * embedding];
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(emb, tokens[i] * embedding, x, i * embedding, embedding);
        }
        return matrix(x, tokens.length, embedding);
    }

    private static int[] flatten(int[][] tokens) {
        int t = tokens.length;
        int b = tokens[0].length;
        int[] flat = new int[t * b];
        for (int i = 0; i < t; i++) {
            System.arraycopy(tokens[i], 0, flat, i * b, b);
        }
        return flat;
    }

    /** Logits of the next character for every position ({@code [time·batch, vocab]}), and the layer traces. */
    private INDArray forward(int[][] idx, List<LayerTrace> traces, Random dropRandom) {
        int time = idx.length;
        int batch = idx[0].length;
        INDArray x = embed(flatten(idx));
        for (int l = 0; l < layers; l++) {
            LayerTrace tr = layerForward(l, x, time, batch, dropRandom);
            traces.add(tr);
            x = tr.dropMask() == null ? tr.out() : tr.out().mul(tr.dropMask());
        }
        return product(x, params.get("wo"), false, false, x.rows(), vocab);
    }

    /**
     * The mean cross-entropy of softmax(logits + bias) against the labels, in one pass over plain arrays (the
     * log-softmax, one-hot and product ops it replaces cost several milliseconds a step in allocations);
     * optionally the gradient with respect to the logits.
     *
     * @param logits {@code [rows, vocab]} without the output bias
     * @param labels one per row
     * @param gradient receives d(loss)/d(logits), or null
     * @return the mean loss in nats
     */
    private double crossEntropy(INDArray logits, int[] labels, double[] gradient) {
        int rows = labels.length;
        double[] l = values(logits);
        double[] bias = values(params.get("bo"));
        double[] partial = new double[2];
        int half = rows / 2;
        java.util.stream.IntStream.range(0, 2).parallel().forEach(k -> {
            double sum = 0;
            for (int i = k == 0 ? 0 : half; i < (k == 0 ? half : rows); i++) {
                int o = i * vocab;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < vocab; c++) {
                    l[o + c] += bias[c];
                    max = Math.max(max, l[o + c]);
                }
                double z = 0;
                for (int c = 0; c < vocab; c++) {
                    z += Math.exp(l[o + c] - max);
                }
                double logZ = max + Math.log(z);
                sum += logZ - l[o + labels[i]];
                if (gradient != null) {
                    for (int c = 0; c < vocab; c++) {
                        gradient[o + c] = Math.exp(l[o + c] - logZ) / rows;
                    }
                    gradient[o + labels[i]] -= 1.0 / rows;
                }
            }
            partial[k] = sum;
        });
        return (partial[0] + partial[1]) / rows;
    }

    /**
     * Forward and backward on one batch.
     *
     * @param idx input characters, {@code [time][batch]}
     * @param lab next characters, {@code [time][batch]}
     * @param dropRandom the dropout masks' random source (dropout is off when {@code null})
     * @return the mean loss and the gradient of every parameter
     */
    public Map.Entry<Double, Map<String, INDArray>> lossAndGradients(int[][] idx, int[][] lab, Random dropRandom) {
        int time = idx.length;
        int batch = idx[0].length;
        List<LayerTrace> traces = new ArrayList<>();
        INDArray logits = forward(idx, traces, dropRandom);
        int n = time * batch;
        double[] dl = new double[n * vocab];
        double loss = crossEntropy(logits, flatten(lab), dl);
        INDArray dLogits = matrix(dl, n, vocab);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        LayerTrace top = traces.get(layers - 1);
        grads.put("wo", product(top.out(), dLogits, true, false, hidden, vocab));
        grads.put("bo", dLogits.sum(0).reshape(1, vocab));
        INDArray d = product(dLogits, params.get("wo"), false, true, n, hidden);
        for (int l = layers - 1; l >= 0; l--) {
            d = layerBackward(l, traces.get(l), d, time, batch, grads);
            if (l > 0 && traces.get(l - 1).dropMask() != null) {
                d.muli(traces.get(l - 1).dropMask());
            }
        }
        double[] dEmb = new double[vocab * embedding];
        double[] dx = values(d);
        int[] flat = flatten(idx);
        for (int i = 0; i < flat.length; i++) {
            int to = flat[i] * embedding;
            int from = i * embedding;
            for (int j = 0; j < embedding; j++) {
                dEmb[to + j] += dx[from + j];
            }
        }
        grads.put("emb", matrix(dEmb, vocab, embedding));
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        params.keySet().forEach(k -> ordered.put(k, grads.get(k)));
        return Map.entry(loss, ordered);
    }

    /**
     * The mean loss of a batch, without dropout or gradients.
     *
     * @param idx input characters
     * @param lab next characters
     * @return mean nats per character
     */
    public double loss(int[][] idx, int[][] lab) {
        return crossEntropy(forward(idx, new ArrayList<>(), null), flatten(lab), null);
    }

    /**
     * A snapshot of the parameters for sampling one character at a time (batch 1) in plain Java: each step is a
     * few small matrix-vector products, where ND4J's per-operation cost (allocation, dispatch) dominated.
     *
     * @return a new stepper with a zero state
     */
    public Stepper stepper() {
        return snapshot().stepper();
    }

    /**
     * The parameters as plain arrays, for any number of steppers (take one per generation request: it is a copy).
     *
     * @return the snapshot
     */
    public Snapshot snapshot() {
        return new Snapshot();
    }

    /** The parameters copied into plain arrays, with the first layer's input projection tabulated per character. */
    public final class Snapshot {
        private final float[][] wx = new float[layers][];
        private final float[][] bx = new float[layers][];
        private final float[][] wh = new float[layers][];
        private final float[][] bh = new float[layers][];
        private final float[] wo = floats(params.get("wo"));
        private final float[] bo = floats(params.get("bo"));
        /** Row c: embedding of c times the first layer's input weights, plus its bias ({@code [vocab, 3·hidden]}). */
        private final float[] inputTable;

        private Snapshot() {
            for (int l = 0; l < layers; l++) {
                wx[l] = floats(params.get("wx" + l));
                bx[l] = floats(params.get("bx" + l));
                wh[l] = floats(params.get("wh" + l));
                bh[l] = floats(params.get("bh" + l));
            }
            float[] emb = floats(params.get("emb"));
            int g3 = 3 * hidden;
            inputTable = new float[vocab * g3];
            for (int c = 0; c < vocab; c++) {
                float[] row = affine(java.util.Arrays.copyOfRange(emb, c * embedding, (c + 1) * embedding), wx[0], bx[0]);
                System.arraycopy(row, 0, inputTable, c * g3, g3);
            }
        }

        /**
         * A stepper with a zero state.
         *
         * @return the stepper
         */
        public Stepper stepper() {
            return new Stepper(this);
        }
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    /** out = bias + v·W, with W row-major {@code [v.length, out.length]}. */
    private static float[] affine(float[] v, float[] w, float[] bias) {
        float[] out = bias.clone();
        affineColumns(v, w, out, 0, out.length);
        return out;
    }

    /** Adds v·W to columns {@code [from, to)} of {@code out}. */
    private static void affineColumns(float[] v, float[] w, float[] out, int from, int to) {
        // Splitting the columns over two cores measured slower (9.1k against 11.2k characters/s): the fork costs
        // more than half of a 256x768 product.
        int cols = out.length;
        for (int i = 0; i < v.length; i++) {
            float vi = v[i];
            int row = i * cols;
            for (int k = from; k < to; k++) {
                out[k] += vi * w[row + k];
            }
        }
    }

    /** Samples the network one character at a time, carrying the GRU state forward: O(1) work per character. */
    public final class Stepper {
        private final Snapshot p;
        private final float[][] state = new float[layers][hidden];

        private Stepper(Snapshot p) {
            this.p = p;
        }

        /**
         * Feeds one character and advances the state.
         *
         * @param token the character
         * @return the logits of the next character
         */
        public float[] step(int token) {
            int h = hidden;
            int g3 = 3 * h;
            float[] x = null;
            for (int l = 0; l < layers; l++) {
                float[] xg = l == 0 ? java.util.Arrays.copyOfRange(p.inputTable, token * g3, (token + 1) * g3)
                        : affine(x, p.wx[l], p.bx[l]);
                float[] hg = affine(state[l], p.wh[l], p.bh[l]);
                float[] s = state[l];
                for (int j = 0; j < h; j++) {
                    double r = sigmoid(xg[j] + hg[j]);
                    double z = sigmoid(xg[h + j] + hg[h + j]);
                    double nt = tanh(xg[2 * h + j] + r * hg[2 * h + j]);
                    s[j] = (float) (nt + z * (s[j] - nt));
                }
                x = s;
            }
            return affine(x, p.wo, p.bo);
        }
    }
}

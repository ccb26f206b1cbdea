package dev.nova.attention.internal;

import dev.nova.kit.nn.Activation;
import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.AttentionSnapshot;
import dev.nova.kit.nn.CausalSelfAttention;
import dev.nova.kit.nn.Dense;
import dev.nova.kit.nn.Dropout;
import dev.nova.kit.nn.Embedding;
import dev.nova.kit.nn.Flops;
import dev.nova.kit.nn.Init;
import dev.nova.kit.nn.LayerNorm;
import dev.nova.kit.nn.Losses;
import dev.nova.kit.nn.ParamSet;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network, on kit's layers: token + learned position embeddings; blocks of (pre-LayerNorm, causal multi-head
 * self-attention, residual, pre-LayerNorm, MLP ×4 with GELU, residual); a final LayerNorm; the output head, a dense
 * layer or the token embedding itself (tied). Weights are drawn from N(0, 0.02) and biases start at zero, as
 * nanoGPT and the PyTorch peer do. Sequences are batch-major ({@code b·T + t}).
 */
public final class TransformerNetwork {

    private static final Init WEIGHTS = Init.gaussian(0.02);

    private final int vocab;
    private final int width;
    private final int context;
    private final double dropout;
    private final ParamSet params;
    private final Embedding tokens;
    private final Embedding positions;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm lnf;
    private final Dense head;

    /** One block's layers and what its forward pass keeps. */
    final class Block {
        final LayerNorm ln1;
        final CausalSelfAttention attention;
        final LayerNorm ln2;
        final Dense fc;
        final Dense out;
        double[] attentionMask;
        double[] mlpMask;

        Block(int i, int heads) {
            ln1 = new LayerNorm(params, "block." + i + ".ln1", width);
            attention = new CausalSelfAttention(params, "block." + i + ".attn", width, heads, WEIGHTS, Init.zeros());
            ln2 = new LayerNorm(params, "block." + i + ".ln2", width);
            String block = "block." + i;
            fc = new Dense(params, block + ".fc.w", block + ".fc.b", width, 4 * width, Activation.GELU, WEIGHTS,
                    Init.zeros());
            out = new Dense(params, block + ".out.w", block + ".out.b", 4 * width, width, Activation.IDENTITY, WEIGHTS,
                    Init.zeros());
        }
    }

    /**
     * Creates a network from the seed alone.
     *
     * @param vocab vocabulary size
     * @param layers blocks
     * @param heads heads per block
     * @param width model width
     * @param context context length
     * @param dropout dropout on the blocks' branch outputs in training
     * @param tie whether the head is the token embedding
     * @param seed initialisation seed
     */
    public TransformerNetwork(int vocab, int layers, int heads, int width, int context, double dropout, boolean tie,
                              long seed) {
        this(vocab, layers, heads, width, context, dropout, tie, seed, DataType.FLOAT);
    }

    TransformerNetwork(int vocab, int layers, int heads, int width, int context, double dropout, boolean tie, long seed,
                       DataType type) {
        this.vocab = vocab;
        this.width = width;
        this.context = context;
        this.dropout = dropout;
        this.params = new ParamSet(type, seed);
        this.tokens = new Embedding(params, "token-embedding", vocab, width, WEIGHTS);
        this.positions = new Embedding(params, "position-embedding", context, width, WEIGHTS);
        for (int i = 0; i < layers; i++) {
            blocks.add(new Block(i, heads));
        }
        this.lnf = new LayerNorm(params, "final-norm", width);
        this.head = tie ? null : new Dense(params, "head.w", "head.b", width, vocab, Activation.IDENTITY, WEIGHTS,
                Init.zeros());
    }

    /** The parameters and their gradients. */
    public ParamSet params() {
        return params;
    }

    /** The context length. */
    public int context() {
        return context;
    }

    /**
     * The model FLOPs of a training pass over {@code batch} windows of {@code time} positions (kit's {@code Flops}):
     * every block's attention and MLP, and the head (tied to the token embedding: its product, the hidden state's
     * gradient and the embedding's share).
     *
     * @param batch windows
     * @param time positions per window
     * @return the FLOPs
     */
    public double trainingFlops(int batch, int time) {
        long rows = (long) batch * time;
        int lowest = lowestTrained();
        boolean embeddings = lowest < 0;
        double total = head != null ? head.trainingFlops(rows, true)
                : (embeddings ? 3 : 2) * Flops.product(rows, vocab, width);
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            double pass = b.attention.trainingFlops(batch, time) + b.fc.trainingFlops(rows, true)
                    + b.out.trainingFlops(rows, true);
            // A block below the backward pass's end runs forward only: a third of its products.
            total += i < lowest ? pass / 3 : pass;
        }
        return total;
    }

    /**
     * Where the backward pass ends: -1 when an embedding trains (it runs to the bottom); otherwise the lowest block
     * with a parameter that trains (the number of blocks when none does): below it, nothing needs a gradient.
     */
    private int lowestTrained() {
        if (!params.isFrozen("token-embedding") || !params.isFrozen("position-embedding")) {
            return -1;
        }
        int lowest = 0;
        while (lowest < blocks.size() && params.isFrozen("block." + lowest + ".")) {
            lowest++;
        }
        return lowest;
    }

    private static INDArray masked(INDArray a, double[] mask) {
        if (mask == null) {
            return a;
        }
        double[] v = Buffers.doubles(a);
        Dropout.apply(v, mask);
        return Buffers.matrix(a.dataType(), v, a.rows(), a.columns());
    }

    /**
     * The residual stream and its gradient for one shape, kept from call to call: a step that allocated them (and
     * every sum) afresh left about 8 MB of native arrays a step for the collector, which runs rarely because their
     * Java side is small: peak RSS reached 957 MB on nanoGPT's configuration.
     */
    private final java.util.Map<Long, INDArray[]> streams = new java.util.HashMap<>();

    private INDArray[] stream(int batch, int time) {
        long key = ((long) batch << 32) | time;
        if (streams.size() >= 2 && !streams.containsKey(key)) {
            streams.clear();
        }
        return streams.computeIfAbsent(key, k -> new INDArray[] {
                Nd4j.create(params.type(), (long) batch * time, width),
                Nd4j.create(params.type(), (long) batch * time, width),
                head == null ? Nd4j.create(params.type(), (long) batch * time, vocab) : null,
                head == null ? Nd4j.create(params.type(), (long) batch * time, width) : null});
    }

    /** Logits of every position, {@code [batch·time, vocab]}. */
    private INDArray forward(int[] idx, int batch, int time, Dropout.Masks masks) {
        double[] tok = Buffers.doubles(tokens.weights());
        double[] pos = Buffers.doubles(positions.weights());
        double[] x0 = new double[batch * time * width];
        for (int i = 0; i < idx.length; i++) {
            int t = i % time;
            for (int j = 0; j < width; j++) {
                x0[i * width + j] = tok[idx[i] * width + j] + pos[t * width + j];
            }
        }
        INDArray[] buffers = stream(batch, time);
        INDArray x = buffers[0];
        Buffers.write(x0, x);
        int n = batch * time * width;
        // The residual stream is updated in place: every layer keeps its own copy of what its backward pass needs.
        for (Block b : blocks) {
            b.attentionMask = masks != null && dropout > 0 ? masks.next(dropout, n) : null;
            b.mlpMask = masks != null && dropout > 0 ? masks.next(dropout, n) : null;
            x.addi(masked(b.attention.forward(b.ln1.forward(x), batch, time), b.attentionMask));
            x.addi(masked(b.out.forward(b.fc.forward(b.ln2.forward(x))), b.mlpMask));
        }
        INDArray h = lnf.forward(x);
        if (head != null) {
            return head.forward(h);
        }
        INDArray logits = buffers[2];
        Flops.gemm(h, tokens.weights(), logits, false, true, 1.0, 0.0);
        tiedInput = h;
        return logits;
    }

    private INDArray tiedInput;

    private double crossEntropy(int[] idx, int[] labels, int batch, int time, Dropout.Masks masks, boolean gradients) {
        int n = batch * time;
        INDArray logits = forward(idx, batch, time, masks);
        double loss;
        if (params.type() == org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            // The gradient in place of the logits: no double copies (824 MB at GPT-2 small's 4 x 256 tokens).
            float[] values = Buffers.floats(logits);
            loss = Losses.softmaxCrossEntropyInPlace(values, vocab, labels, gradients, 1.0 / n) / n;
            if (gradients) {
                Buffers.write(values, logits);
            }
        } else {
            double[] grad = gradients ? new double[n * vocab] : null;
            loss = Losses.softmaxCrossEntropy(Buffers.doubles(logits), vocab, labels, grad, 1.0 / n) / n;
            if (gradients) {
                Buffers.write(grad, logits);
            }
        }
        if (!gradients) {
            return loss;
        }
        INDArray[] buffers = stream(batch, time);
        INDArray dh;
        if (head != null) {
            dh = head.backward(logits, true);
        } else {
            dh = buffers[3];
            Flops.gemm(logits, tokens.weights(), dh, false, false, 1.0, 0.0);
        }
        INDArray dx = buffers[1].assign(lnf.backward(dh));
        // Below the lowest block that trains, with both embeddings frozen (a fine-tune of the last blocks), nothing
        // needs a gradient: the backward pass stops there (GPT-2 small, last 2 of 12 blocks: see issue 46's note).
        int lowest = lowestTrained();
        boolean embeddings = lowest < 0;
        for (int i = blocks.size() - 1; i >= Math.max(lowest, 0); i--) {
            Block b = blocks.get(i);
            INDArray dBranch = masked(dx, b.mlpMask);
            dx.addi(b.ln2.backward(b.fc.backward(b.out.backward(dBranch, true), true)));
            dBranch = masked(dx, b.attentionMask);
            dx.addi(b.ln1.backward(b.attention.backward(dBranch)));
        }
        if (!embeddings) {
            return loss;
        }
        tokens.backward(idx, dx);
        if (head == null) {
            // The tied head's share of the token embedding's gradient: dLogitsᵀ·h.
            Flops.gemm(logits, tiedInput, tokens.gradient(), true, false, 1.0, 1.0);
        }
        double[] d = Buffers.doubles(dx);
        double[] dPos = new double[context * width];
        for (int r = 0; r < n; r++) {
            int t = r % time;
            for (int j = 0; j < width; j++) {
                dPos[t * width + j] += d[r * width + j];
            }
        }
        Buffers.write(dPos, positions.gradient());
        return loss;
    }

    /**
     * Forward and backward on one batch; the gradients land in {@link #params()}.
     *
     * @param idx input tokens, batch-major
     * @param labels next tokens, batch-major
     * @param batch sequences
     * @param time positions per sequence (at most the context)
     * @param masks the dropout masks ({@code [batch·time, width]}, batch-major), or {@code null} for none
     * @return the mean loss in nats per character
     */
    public double lossAndGradients(int[] idx, int[] labels, int batch, int time, Dropout.Masks masks) {
        return crossEntropy(idx, labels, batch, time, masks, true);
    }

    /**
     * The mean loss of a batch, without dropout or gradients.
     *
     * @param idx input tokens, batch-major
     * @param labels next tokens, batch-major
     * @param batch sequences
     * @param time positions per sequence
     * @return mean nats per character
     */
    public double loss(int[] idx, int[] labels, int batch, int time) {
        return crossEntropy(idx, labels, batch, time, null, false);
    }

    /**
     * The logits after the last position of one sequence, recomputed over the whole of it (the reference that
     * {@link TransformerSnapshot.Stepper} must equal).
     *
     * @param idx the sequence, at most the context long
     * @return the next token's logits
     */
    public float[] lastLogits(int[] idx) {
        INDArray logits = forward(idx, 1, idx.length, null);
        float[] all = Buffers.floats(logits);
        return java.util.Arrays.copyOfRange(all, (idx.length - 1) * vocab, idx.length * vocab);
    }

    /**
     * The logits of every position of one sequence, {@code [time·vocab]}.
     *
     * @param idx the sequence, at most the context long
     * @return the logits, position after position
     */
    public float[] allLogits(int[] idx) {
        return Buffers.floats(forward(idx, 1, idx.length, null));
    }

    /**
     * The parameters as plain arrays for sampling (take one per generation request). A model whose parameters are
     * fixed (restored for generation only: nothing can change them) keeps one snapshot for every request and thread:
     * it is immutable, and each request samples through a stepper of its own. Each request copied the token and
     * position embeddings (154 MB of Java arrays at GPT-2's vocabulary) before.
     *
     * @return the snapshot
     */
    public TransformerSnapshot snapshot() {
        if (!params.isFixed()) {
            return new TransformerSnapshot(this);
        }
        TransformerSnapshot s = shared;
        if (s == null) {
            synchronized (this) {
                s = shared;
                if (s == null) {
                    s = new TransformerSnapshot(this);
                    shared = s;
                }
            }
        }
        return s;
    }

    /** The snapshot of fixed parameters, made at the first request. */
    private volatile TransformerSnapshot shared;

    // What a snapshot copies (TransformerSnapshot).
    int vocab() {
        return vocab;
    }

    int width() {
        return width;
    }

    Embedding tokens() {
        return tokens;
    }

    Embedding positions() {
        return positions;
    }

    List<Block> blocks() {
        return blocks;
    }

    LayerNorm finalNorm() {
        return lnf;
    }

    /** The output head, or null when it is the token embedding (tied). */
    Dense head() {
        return head;
    }
}

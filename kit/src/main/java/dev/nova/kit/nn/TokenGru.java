package dev.nova.kit.nn;

import dev.nova.kit.support.Seeds;
import dev.nova.kit.tokens.TokenSequence;
import dev.nova.kit.tokens.Windows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A token sequence model on kit's layers: embedding → stacked GRUs → dense logits over the same tokens, trained on
 * softmax cross-entropy (text-gru's characters, audio-gru's μ-law levels). Parameters, in order: {@code emb}, then {@code wx/bx/wh/bh} per GRU layer, then {@code wo}, {@code bo}
 * (payload format 1 stores them in this order), initialised as PyTorch does (N(0,1) embedding, uniform ±1/√hidden
 * elsewhere) from the seed alone.
 *
 * <p>Conditioning ({@link #TokenGru(int, int, int, int, int, double, long, DataType) inputs > outputs}): input token
 * {@code t} stands for output token {@code t mod outputs} in the class {@code t / outputs}, embedded as the sum of the
 * token's embedding, shared by every class, and the class's ({@code class-embedding}, zero at first, so a conditioned
 * network starts as the plain one); the labels are output tokens. A sequence of class {@code c} feeds {@code token +
 * outputs·c} at every step, so the class reaches every step's input, not only the first state. (Kit's GRU reads one
 * table of every input token: the sums are written into it before each pass, and its gradient is summed back into
 * the two embeddings after.)
 */
@org.apiguardian.api.API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "1.4")
public final class TokenGru {

    private final int vocab;
    private final int inputTokens;
    private final ParamSet params;
    private final Embedding embedding;
    /** Conditioned: the tokens' embedding shared by the classes, and the classes' ({@code [classes, width]}). */
    private final Embedding shared;
    private static final String EMBEDDING = "embedding";
    private static final String CLASS_EMBEDDING = "class-embedding";
    private static final String GRU = "gru.";
    private static final String HEAD_WEIGHTS = "output.w";
    private static final String HEAD_BIAS = "output.b";
    private final Gru gru;
    private final Dense head;

    /**
     * Creates a network.
     *
     * @param vocab vocabulary size
     * @param embedding embedding width
     * @param layers GRU layers
     * @param hidden GRU width
     * @param dropout dropout between layers in training
     * @param seed initialisation seed
     */
    public TokenGru(int vocab, int embedding, int layers, int hidden, double dropout, long seed) {
        this(vocab, embedding, layers, hidden, dropout, seed, DataType.FLOAT);
    }

    /**
     * Creates a network with parameters of the given type ({@code DOUBLE} for gradient checks).
     *
     * @param vocab vocabulary size
     * @param embedding embedding width
     * @param layers GRU layers
     * @param hidden GRU width
     * @param dropout dropout between layers in training
     * @param seed initialisation seed
     * @param type the parameters' data type
     */
    public TokenGru(int vocab, int embedding, int layers, int hidden, double dropout, long seed, DataType type) {
        this(vocab, vocab, embedding, layers, hidden, dropout, seed, type);
    }

    /**
     * Creates a network whose inputs are output tokens in one of {@code inputs / outputs} classes (see the class
     * comment); with {@code inputs == outputs}, the plain network.
     *
     * @param inputs input tokens: {@code outputs} times the number of classes
     * @param outputs output tokens (the labels' range)
     * @param embedding embedding width
     * @param layers GRU layers
     * @param hidden GRU width
     * @param dropout dropout between layers in training
     * @param seed initialisation seed
     * @param type the parameters' data type
     * @since 1.4
     */
    public TokenGru(int inputs, int outputs, int embedding, int layers, int hidden, double dropout, long seed,
                    DataType type) {
        if (outputs < 1 || inputs < outputs || inputs % outputs != 0) {
            throw new IllegalArgumentException(inputs + " input tokens are not a multiple of " + outputs + " outputs");
        }
        this.vocab = outputs;
        this.inputTokens = inputs;
        this.params = new ParamSet(type, seed);
        if (inputs == outputs) {
            this.embedding = new Embedding(params, EMBEDDING, inputs, embedding);
            this.shared = null;
        } else {
            this.shared = new Embedding(params, EMBEDDING, outputs, embedding);
            params.add(CLASS_EMBEDDING, inputs / outputs, embedding, Init.zeros());
            this.embedding = new Embedding(new ParamSet(type, seed), "combined", inputs, embedding);
        }
        this.gru = new Gru(params, GRU, embedding, hidden, layers, dropout);
        this.head = new Dense(params, HEAD_WEIGHTS, HEAD_BIAS, hidden, vocab, Activation.IDENTITY);
    }

    /**
     * The architecture numbers a payload records before the parameters (as three ints, the order text-gru's payload
     * formats 1 and 2 and audio-gru's have always used), so that a restore can refuse another shape by name.
     *
     * @param embedding embedding width
     * @param layers GRU layers
     * @param hidden GRU width
     * @since 1.4
     */
    public record Shape(int embedding, int layers, int hidden) {

        /**
         * Reads the three numbers.
         *
         * @param in the payload
         * @return the shape
         * @throws java.io.IOException when the payload ends or cannot be read
         */
        public static Shape read(java.io.DataInput in) throws java.io.IOException {
            return new Shape(in.readInt(), in.readInt(), in.readInt());
        }

        /**
         * Writes the three numbers.
         *
         * @param out the payload
         * @throws java.io.IOException when it cannot be written
         */
        public void write(java.io.DataOutput out) throws java.io.IOException {
            out.writeInt(embedding);
            out.writeInt(layers);
            out.writeInt(hidden);
        }

        /** For messages: {@code embedding 32, 1 layers of 256}. */
        @Override
        public String toString() {
            return "embedding " + embedding + ", " + layers + " layers of " + hidden;
        }
    }

    /** The parameters and their gradients. */
    public ParamSet params() {
        return params;
    }

    /** The GRU width. */
    public int hidden() {
        return gru.hidden();
    }

    /** Conditioned: writes every input token's embedding, its token's plus its class's, into the GRU's table. */
    private void combine() {
        if (shared == null) {
            return;
        }
        Buffers.write(ClassTable.combined(Buffers.doubles(shared.weights()), Buffers.doubles(params.get(CLASS_EMBEDDING)),
                inputTokens, vocab, shared.width()), embedding.weights());
    }

    /**
     * The parameters a network of this shape holds, in order, known without building it: what a payload's parameters
     * are read against in Java alone when a model is restored only to generate ({@link #snapshot(java.util.Map, int,
     * int, Shape)}).
     *
     * @param inputs input tokens ({@code outputs} times the classes)
     * @param outputs output tokens
     * @param shape embedding width, layers and GRU width
     * @return the layout, equal to {@code ParamLayout.of(params())} of the network the constructor builds
     * @since 1.5
     */
    public static ParamLayout layout(int inputs, int outputs, Shape shape) {
        ParamLayout layout = inputs == outputs ? ParamLayout.empty().with(EMBEDDING, inputs, shape.embedding())
                : ParamLayout.empty().with(EMBEDDING, outputs, shape.embedding())
                        .with(CLASS_EMBEDDING, inputs / outputs, shape.embedding());
        return layout.with(GruSnapshot.layout(GRU, shape.embedding(), shape.hidden(), shape.layers()))
                .with(HEAD_WEIGHTS, shape.hidden(), outputs).with(HEAD_BIAS, 1, outputs);
    }

    /**
     * A snapshot for sampling from parameter values read without building the network ({@link #layout}), in Java
     * alone: the same, to the bit, as {@link #snapshot()} of the network holding those values.
     *
     * @param values each parameter's values in C order, by name (as {@link ParamLayout#read} gives them)
     * @param inputs input tokens ({@code outputs} times the classes)
     * @param outputs output tokens
     * @param shape embedding width, layers and GRU width
     * @return the snapshot
     * @since 1.5
     */
    public static Snapshot snapshot(java.util.Map<String, float[]> values, int inputs, int outputs, Shape shape) {
        int width = shape.embedding();
        float[] table = values.get(EMBEDDING);
        if (inputs != outputs) {
            table = ArrayIo.toFloats(ClassTable.combined(ArrayIo.toDoubles(table), ArrayIo.toDoubles(values.get(CLASS_EMBEDDING)),
                    inputs, outputs, width));
        }
        return new Snapshot(inputs, GruSnapshot.of(values::get, GRU, width, shape.hidden(), shape.layers()),
                Dense.Snapshot.of(values.get(HEAD_WEIGHTS), values.get(HEAD_BIAS), shape.hidden(), outputs,
                        Activation.IDENTITY), table, width);
    }

    /** Conditioned: sums the table's gradient back into the tokens' embedding and the classes'. */
    private void separate() {
        if (shared == null) {
            return;
        }
        int width = shared.width();
        double[] tokens = new double[vocab * width];
        double[] classes = new double[(inputTokens / vocab) * width];
        ClassTable.separate(Buffers.doubles(embedding.gradient()), inputTokens, vocab, width, tokens, classes);
        Buffers.write(tokens, shared.gradient());
        Buffers.write(classes, params.grad(CLASS_EMBEDDING));
    }

    private double crossEntropy(Windows w, double[][] initial, Dropout.Masks masks, boolean gradients) {
        int[] inputs = w.flatInputs();
        int n = inputs.length;
        combine();
        INDArray top = gru.forward(embedding, inputs, w.time(), w.batch(), initial, masks);
        INDArray logits = head.forward(top);
        double[] l = Buffers.doubles(logits);
        double[] grad = gradients ? new double[n * vocab] : null;
        int[] labels = w.flatLabels();
        if (inputTokens != vocab) {
            labels = labels.clone();
            for (int i = 0; i < labels.length; i++) {
                labels[i] %= vocab;                     // a class's token stands for its output token
            }
        }
        double loss = Losses.softmaxCrossEntropy(l, vocab, labels, grad, 1.0 / n) / n;
        if (gradients) {
            Buffers.write(grad, logits);
            // The GRU writes the embedding's gradient too (it reads the embedding through its first layer's table).
            gru.backward(head.backward(logits, true), false);
            separate();
        }
        return loss;
    }

    /**
     * The model FLOPs of {@link #lossAndGradients} over {@code batch} windows of {@code time} characters (kit's
     * {@code Flops}): the GRU reading the embedding, and the output layer with the GRU's gradient.
     *
     * @param batch windows
     * @param time characters per window
     * @return the FLOPs
     */
    public double trainingFlops(int batch, int time) {
        return gru.trainingFlops(time, batch, false, embedding.vocab(), false) + head.trainingFlops((long) batch * time, true);
    }

    /**
     * Forward and backward on one batch; the gradients land in {@link #params()}.
     *
     * @param w the batch
     * @param masks the dropout masks (dropout is off when {@code null})
     * @return the mean loss in nats per character
     */
    public double lossAndGradients(Windows w, Dropout.Masks masks) {
        return crossEntropy(w, null, masks, true);
    }

    /**
     * Forward and backward on windows {@code [from, to)} of step {@code step}'s batch of random windows of the
     * corpus's training head; each window's offset and dropout masks are pure functions of the seed, the step and the
     * window's index, so resume is exact and data-parallel slices add up to the batch.
     *
     * @param corpus the tokens
     * @param time window length
     * @param dropout dropout between GRU layers (0: none)
     * @param seed the run's seed
     * @param step the step
     * @param from the slice's first window
     * @param to the window after its last
     * @return the mean loss in nats per token; the gradients land in {@link #params()}
     */
    public double trainSlice(TokenSequence corpus, int time, double dropout, long seed, long step, int from, int to) {
        return trainSlice(corpus, time, 0, dropout, seed, step, from, to);
    }

    /**
     * As {@link #trainSlice(TokenSequence, int, double, long, long, int, int)}, each window starting from the state the
     * network reaches over the {@code warmup} tokens before it (a burn-in, without gradients: the state a window would
     * carry over from the one before it in truncated backpropagation through time, computed afresh from the current
     * parameters, so that a window stays a pure function of the parameters, the seed, the step and its index; 0: the
     * zero state).
     *
     * @param corpus the tokens
     * @param time window length
     * @param warmup tokens before each window run to find its initial state (fewer at the corpus's start)
     * @param dropout dropout between GRU layers (0: none)
     * @param seed the run's seed
     * @param step the step
     * @param from the slice's first window
     * @param to the window after its last
     * @return the mean loss in nats per token; the gradients land in {@link #params()}
     * @since 1.4
     */
    public double trainSlice(TokenSequence corpus, int time, int warmup, double dropout, long seed, long step, int from,
                             int to) {
        int[] offsets = Windows.randomOffsets(corpus, time, seed, step, from, to);
        Windows batch = Windows.at(corpus.tokens(), offsets, time);
        Dropout.Masks masks = dropout > 0
                ? Dropout.timeMajor(Seeds.items(seed, Seeds.DROPOUT, step, from, to - from), time, to - from) : null;
        return crossEntropy(batch, warmStates(corpus.tokens(), offsets, warmup), masks, true);
    }

    /**
     * Per layer, {@code [windows·hidden]}: the state each window's network reaches over the {@code warmup} tokens
     * before its offset, stepped one token at a time on a snapshot of the parameters; {@code null} for none.
     */
    private double[][] warmStates(int[] tokens, int[] offsets, int warmup) {
        if (warmup <= 0) {
            return null;
        }
        int h = gru.hidden();
        double[][] states = new double[gru.layers()][offsets.length * h];
        Snapshot weights = snapshot();
        // Windows are independent (each its own stepper on the shared, immutable snapshot): one part per thread.
        Parallel.forParts(offsets.length, 1, (from, to) -> {
            for (int j = from; j < to; j++) {
                Stepper stepper = weights.stepper();
                for (int k = Math.max(0, offsets[j] - warmup); k < offsets[j]; k++) {
                    stepper.feed(tokens[k]);
                }
                for (int l = 0; l < states.length; l++) {
                    float[] s = stepper.state.state[l];
                    for (int i = 0; i < h; i++) {
                        states[l][j * h + i] = s[i];
                    }
                }
            }
        });
        return states;
    }

    /**
     * A held-out loss: consecutive, non-overlapping windows of {@code time + 1} tokens (fewer when the tokens are
     * short), at most {@code maxBatches} batches of {@code batch}.
     *
     * @param tokens the held-out tokens, at least 2
     * @param time window length
     * @param batch windows per batch
     * @param maxBatches most batches
     * @return the mean loss and what was scored
     */
    public HeldOut heldOutLoss(int[] tokens, int time, int batch, int maxBatches) {
        return heldOutLoss(tokens, time, batch, maxBatches, 0);
    }

    /**
     * As {@link #heldOutLoss(int[], int, int, int)}, each window starting from the state the network reaches over
     * the {@code warmup} tokens before it (the first window from the zero state).
     *
     * @param tokens the held-out tokens, at least 2
     * @param time window length
     * @param batch windows per batch
     * @param maxBatches most batches
     * @param warmup tokens before each window run to find its initial state (0: the zero state)
     * @return the mean loss and what was scored
     * @since 1.4
     */
    public HeldOut heldOutLoss(int[] tokens, int time, int batch, int maxBatches, int warmup) {
        int t = Math.min(time, tokens.length - 1);
        int windows = Math.min(tokens.length / (t + 1), maxBatches * batch);
        int b = Math.min(batch, windows);
        int batches = windows / b;
        double total = 0;
        for (int k = 0; k < batches; k++) {
            int[] offsets = new int[b];
            for (int j = 0; j < b; j++) {
                offsets[j] = (k * b + j) * (t + 1);
            }
            total += crossEntropy(Windows.at(tokens, offsets, t), warmStates(tokens, offsets, warmup), null, false);
        }
        return new HeldOut(total / batches, (long) batches * b * t, batches * b, t);
    }

    /**
     * What {@link #heldOutLoss} scored.
     *
     * @param meanNats mean negative log-likelihood per token
     * @param tokens tokens scored
     * @param windows windows scored (window {@code w} starts at {@code w·(time+1)})
     * @param time tokens scored per window
     */
    public record HeldOut(double meanNats, long tokens, int windows, int time) {
    }

    /**
     * The mean loss of a batch, without dropout or gradients.
     *
     * @param w the batch
     * @return mean nats per character
     */
    public double loss(Windows w) {
        return crossEntropy(w, null, null, false);
    }

    /**
     * The parameters as plain arrays for sampling one character at a time (take one per generation request: it
     * is a copy).
     *
     * @return the snapshot
     */
    public Snapshot snapshot() {
        combine();
        return new Snapshot(inputTokens, gru.snapshot(), head.snapshot(), embedding.table(), embedding.width());
    }

    /** The parameters copied into plain arrays, with the first layer's input projection tabulated per character. */
    public static final class Snapshot {
        private final GruSnapshot gru;
        private final Dense.Snapshot head;
        /** Row c: embedding of c times the first layer's input weights, plus its bias. */
        private final float[][] inputTable;

        private Snapshot(int inputTokens, GruSnapshot gru, Dense.Snapshot head, float[] emb, int width) {
            this.gru = gru;
            this.head = head;
            inputTable = new float[inputTokens][];
            for (int c = 0; c < inputTokens; c++) {
                inputTable[c] = gru.project(java.util.Arrays.copyOfRange(emb, c * width, (c + 1) * width));
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

        /**
         * Feeds one character to each of several steppers of this snapshot together (a server's batch), each to the
         * bit what its own {@link Stepper#step} returns (for fewer than sixteen steppers, or matrices below half a million
         * weights).
         *
         * @param steppers the steppers
         * @param tokens one character each
         * @return each one's next-character logits
         * @since 1.5
         */
        public float[][] step(java.util.List<Stepper> steppers, int[] tokens) {
            int n = steppers.size();
            java.util.List<GruSnapshot.Stepper> states = new java.util.ArrayList<>(n);
            float[][] projected = new float[n][];
            for (int i = 0; i < n; i++) {
                Stepper st = steppers.get(i);
                if (st.p != this) {
                    throw new IllegalArgumentException("a stepper of another snapshot");
                }
                states.add(st.state);
                projected[i] = inputTable[tokens[i]];
            }
            float[][] top = gru.stepProjectedEach(states, projected);
            float[][] logits = new float[n][head.out()];
            head.applyEach(top, n, logits);
            return logits;
        }
    }

    /** Samples the network one character at a time, carrying the GRU state forward: O(1) work per character. */
    public static final class Stepper {
        private final Snapshot p;
        private final GruSnapshot.Stepper state;

        private Stepper(Snapshot p) {
            this.p = p;
            this.state = p.gru.stepper();
        }

        /**
         * Feeds one character and advances the state.
         *
         * @param token the character
         * @return the logits of the next character
         */
        public float[] step(int token) {
            return p.head.apply(state.stepProjected(p.inputTable[token]));
        }

        /** Feeds one token and advances the state, without the next token's logits. */
        void feed(int token) {
            state.stepProjected(p.inputTable[token]);
        }
    }
}

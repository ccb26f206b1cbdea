package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A token embedding: row {@code t} of a {@code [vocab, width]} table per token, initialised N(0, 1) as PyTorch's
 * {@code nn.Embedding}.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Embedding {

    private final ParamSet params;
    private final String name;
    private final int vocab;
    private final int width;

    /**
     * Creates the table and registers it as {@code name}.
     *
     * @param params where it lives
     * @param name its parameter name
     * @param vocab tokens
     * @param width values per token
     */
    public Embedding(ParamSet params, String name, int vocab, int width) {
        this(params, name, vocab, width, Init.gaussian(1));
    }

    /**
     * Creates the table with a given initialisation (GPT-style models draw N(0, 0.02)).
     *
     * @param params where it lives
     * @param name its parameter name
     * @param vocab tokens
     * @param width values per token
     * @param init how its values are drawn
     */
    public Embedding(ParamSet params, String name, int vocab, int width, Init init) {
        this.params = params;
        this.name = name;
        this.vocab = vocab;
        this.width = width;
        params.add(name, vocab, width, init);
    }

    /** Values per token. */
    public int width() {
        return width;
    }

    /** Tokens. */
    public int vocab() {
        return vocab;
    }

    /**
     * Looks tokens up.
     *
     * @param tokens token indices
     * @return {@code [tokens.length, width]}
     */
    public INDArray forward(int[] tokens) {
        double[] table = Buffers.doubles(params.get(name));
        double[] x = new double[tokens.length * width];
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(table, tokens[i] * width, x, i * width, width);
        }
        return Buffers.matrix(params.type(), x, tokens.length, width);
    }

    /**
     * Writes the table's gradient: the rows of {@code dx} summed per token.
     *
     * @param tokens the tokens of the forward pass
     * @param dx the gradient with respect to its output, {@code [tokens.length, width]}
     */
    public void backward(int[] tokens, INDArray dx) {
        double[] g = new double[vocab * width];
        double[] d = Buffers.doubles(dx);
        for (int i = 0; i < tokens.length; i++) {
            int to = tokens[i] * width;
            int from = i * width;
            for (int j = 0; j < width; j++) {
                g[to + j] += d[from + j];
            }
        }
        Buffers.write(g, params.grad(name));
    }

    /** The table, {@code [vocab, width]} (live). */
    public INDArray weights() {
        return params.get(name);
    }

    /** The table's gradient, {@code [vocab, width]} (live; layers that consume the embedding may write it). */
    public INDArray gradient() {
        return params.grad(name);
    }

    /**
     * The table as plain arrays.
     *
     * @return {@code vocab * width} values
     */
    public float[] table() {
        return Buffers.floats(params.get(name));
    }

    /**
     * The table as an output head for sampling ({@code logits = h·Eᵀ}, a tied head): a snapshot of the transposed
     * table, whose one-row products run vectorised and split across the cores like a dense layer's.
     *
     * @return a layer of {@code width} inputs and {@code vocab} outputs, no bias
     * @since 1.4
     */
    public Dense.Snapshot headSnapshot() {
        INDArray table = params.get(name);
        if (params.isFixed() && (long) vocab * width >= NativeMatrix.GEMV_ELEMENTS && Buffers.plainFloats(table)) {
            // Parameters that never change: the head reads the table where it is, as its transpose.
            return Dense.Snapshot.linear(NativeMatrix.over(new org.bytedeco.javacpp.FloatPointer(
                    table.data().addressPointer()), table, width, vocab, true), width, vocab);
        }
        float[] t = table();
        float[] transposed = new float[t.length];
        for (int v = 0; v < vocab; v++) {
            for (int j = 0; j < width; j++) {
                transposed[j * vocab + v] = t[v * width + j];
            }
        }
        return Dense.Snapshot.linear(transposed, width, vocab);
    }
}

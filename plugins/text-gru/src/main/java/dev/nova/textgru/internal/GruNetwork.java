package dev.nova.textgru.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network: one-hot characters → embedding → stacked GRUs ({@code sd.rnn().gru}) → dense logits.
 *
 * <p>The parameters live in one set of arrays shared by every graph built from them: the training graph, the
 * evaluation graphs (no dropout) and the one-step sampling graph, which carries the GRU state forward so that
 * sampling costs O(1) per character. Sequences are time-major: {@code [time, batch]}.
 */
public final class GruNetwork {

    private final int vocab;
    private final int embedding;
    private final int layers;
    private final int hidden;
    private final double dropout;
    private final LinkedHashMap<String, INDArray> params = new LinkedHashMap<>();
    private final Map<String, SameDiff> graphs = new HashMap<>();

    /**
     * Creates a network with freshly initialised parameters (PyTorch's defaults: N(0,1) embedding, uniform
     * ±1/√hidden GRU and output weights), drawn from {@code seed} alone.
     *
     * @param vocab vocabulary size
     * @param embedding embedding width
     * @param layers GRU layers
     * @param hidden GRU width
     * @param dropout dropout between layers in training
     * @param seed initialisation seed
     */
    public GruNetwork(int vocab, int embedding, int layers, int hidden, double dropout, long seed) {
        this.vocab = vocab;
        this.embedding = embedding;
        this.layers = layers;
        this.hidden = hidden;
        this.dropout = dropout;
        Random r = new Random(seed);
        double k = 1 / Math.sqrt(hidden);
        params.put("emb", gaussian(r, vocab, embedding));
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? embedding : hidden;
            params.put("wx" + l, uniform(r, k, in, 3 * hidden));
            params.put("wh" + l, uniform(r, k, hidden, 3 * hidden));
            params.put("b" + l, uniform(r, k, 3 * hidden));
        }
        params.put("wo", uniform(r, k, hidden, vocab));
        params.put("bo", uniform(r, k, vocab));
    }

    private static INDArray gaussian(Random r, long... shape) {
        float[] v = new float[(int) (shape[0] * (shape.length > 1 ? shape[1] : 1))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Nd4j.create(v, shape, 'c');
    }

    private static INDArray uniform(Random r, double k, long... shape) {
        float[] v = new float[(int) (shape[0] * (shape.length > 1 ? shape[1] : 1))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * k);
        }
        return Nd4j.create(v, shape, 'c');
    }

    /** The parameters by name, in a fixed order. */
    public Map<String, INDArray> params() {
        return params;
    }

    /** The GRU width. */
    public int hidden() {
        return hidden;
    }

    /** The GRU layers. */
    public int layers() {
        return layers;
    }

    /**
     * The sequence graph for a shape, built once: placeholders {@code idx} and {@code lab} ({@code [time, batch]},
     * int), {@code h0_<l>} ({@code [batch, hidden]}); output {@code loss} (mean nats per character).
     */
    private SameDiff sequenceGraph(int time, int batch, boolean training) {
        return graphs.computeIfAbsent((training ? "train:" : "eval:") + time + "x" + batch, key -> {
            SameDiff sd = SameDiff.create();
            Map<String, SDVariable> w = variables(sd);
            SDVariable idx = sd.placeHolder("idx", DataType.INT32, time, batch);
            SDVariable lab = sd.placeHolder("lab", DataType.INT32, time, batch);
            SDVariable x = sd.oneHot(idx, vocab, -1, 1.0, 0.0, DataType.FLOAT).reshape(time * batch, vocab)
                    .mmul(w.get("emb")).reshape(time, batch, embedding);
            for (int l = 0; l < layers; l++) {
                SDVariable h0 = sd.placeHolder("h0_" + l, DataType.FLOAT, batch, hidden);
                x = sd.rnn().gru("h" + l, x, h0, w.get("wx" + l), w.get("wh" + l), w.get("b" + l));
                if (training && dropout > 0 && l < layers - 1) {
                    x = sd.nn().dropout(x, 1.0 - dropout);
                }
            }
            SDVariable logits = x.reshape(time * batch, hidden).mmul(w.get("wo")).add(w.get("bo"));
            SDVariable labels = sd.oneHot(lab.reshape(time * batch), vocab, -1, 1.0, 0.0, DataType.FLOAT);
            sd.loss.softmaxCrossEntropy("loss", labels, logits, null);
            sd.setLossVariables("loss");
            return sd;
        });
    }

    /** The one-step graph: {@code tok} ({@code [1]}) and states {@code h0_<l>} in; {@code logits} and {@code hn_<l>} out. */
    private SameDiff stepGraph() {
        return graphs.computeIfAbsent("step", key -> {
            SameDiff sd = SameDiff.create();
            Map<String, SDVariable> w = variables(sd);
            SDVariable tok = sd.placeHolder("tok", DataType.INT32, 1);
            SDVariable x = sd.oneHot(tok, vocab, -1, 1.0, 0.0, DataType.FLOAT).mmul(w.get("emb")).reshape(1, 1, embedding);
            for (int l = 0; l < layers; l++) {
                SDVariable h0 = sd.placeHolder("h0_" + l, DataType.FLOAT, 1, hidden);
                x = sd.rnn().gru("h" + l, x, h0, w.get("wx" + l), w.get("wh" + l), w.get("b" + l));
                x.reshape(1, hidden).rename("hn_" + l);
            }
            x.reshape(1, hidden).mmul(w.get("wo")).add(w.get("bo")).rename("logits");
            return sd;
        });
    }

    private Map<String, SDVariable> variables(SameDiff sd) {
        Map<String, SDVariable> vars = new HashMap<>();
        for (var e : params.entrySet()) {
            SDVariable v = sd.var(e.getKey(), e.getValue());
            if (v.getArr() != e.getValue()) {
                v.setArray(e.getValue());
            }
            vars.put(e.getKey(), v);
        }
        return vars;
    }

    /**
     * Forward and backward on one batch.
     *
     * @param idx input characters, {@code [time][batch]}
     * @param lab next characters, {@code [time][batch]}
     * @return the loss and the gradient of every parameter
     */
    public Map.Entry<Double, Map<String, INDArray>> lossAndGradients(int[][] idx, int[][] lab) {
        SameDiff sd = sequenceGraph(idx.length, idx[0].length, true);
        OutAndGrad og = sd.calculateGradientsAndOutputs(feed(idx, lab), List.of("loss"), new ArrayList<>(params.keySet()));
        return Map.entry(og.getOutputs().get("loss").getDouble(0), og.getGradients());
    }

    /**
     * The mean loss of a batch, without dropout or gradients.
     *
     * @param idx input characters
     * @param lab next characters
     * @return mean nats per character
     */
    public double loss(int[][] idx, int[][] lab) {
        SameDiff sd = sequenceGraph(idx.length, idx[0].length, false);
        return sd.output(feed(idx, lab), "loss").get("loss").getDouble(0);
    }

    private Map<String, INDArray> feed(int[][] idx, int[][] lab) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put("idx", Nd4j.createFromArray(idx));
        feed.put("lab", Nd4j.createFromArray(lab));
        for (int l = 0; l < layers; l++) {
            feed.put("h0_" + l, Nd4j.zeros(DataType.FLOAT, idx[0].length, hidden));
        }
        return feed;
    }

    /** A sampling state: one hidden state per layer, batch 1. */
    public INDArray[] initialState() {
        INDArray[] h = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            h[l] = Nd4j.zeros(DataType.FLOAT, 1, hidden);
        }
        return h;
    }

    /**
     * Feeds one character, advancing the state in place.
     *
     * @param token the character
     * @param state the per-layer states, replaced with the new ones
     * @return the logits of the next character
     */
    public float[] step(int token, INDArray[] state) {
        SameDiff sd = stepGraph();
        Map<String, INDArray> feed = new HashMap<>();
        feed.put("tok", Nd4j.createFromArray(new int[] {token}));
        List<String> outputs = new ArrayList<>();
        outputs.add("logits");
        for (int l = 0; l < layers; l++) {
            feed.put("h0_" + l, state[l]);
            outputs.add("hn_" + l);
        }
        Map<String, INDArray> out = sd.output(feed, outputs);
        for (int l = 0; l < layers; l++) {
            state[l] = out.get("hn_" + l).dup();
        }
        return out.get("logits").toFloatVector();
    }
}

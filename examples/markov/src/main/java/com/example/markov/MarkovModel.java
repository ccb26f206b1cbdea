package com.example.markov;

import dev.nova.api.Cancellation;
import dev.nova.api.CheckpointException;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Payload;
import dev.nova.kit.text.Corpus;
import dev.nova.kit.text.TextGeneration;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Vocabulary;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * An order-k character model: counts of what follows every context of up to {@code order} characters, combined
 * by Witten-Bell interpolation,
 * <pre>P(c | h) = (C(h c) + T(h) P(c | h')) / (C(h) + T(h))</pre>
 * where h' is h without its first character, C counts and T(h) is the number of different characters seen after
 * h; the recursion ends in the uniform distribution over the vocabulary, so no character has probability 0.
 *
 * <p>Training reads the training text in order, {@code batch} characters a step; a step's loss is the mean
 * negative log-likelihood of its characters before they are counted (the loss on text the model has not seen yet),
 * so it falls as the counts fill. After one pass the counts are complete: further steps report the loss of the
 * next batch of training text without counting it again. State is the counts and the position, so a restored
 * model continues exactly.
 */
final class MarkovModel implements GenerativeModel {

    static final long MAGIC = 0x4d41524b4f56L;          // "MARKOV"
    static final int FORMAT = 1;

    /** Counts of the characters that followed one context. */
    static final class Counts {
        final Map<Integer, Integer> next = new HashMap<>();
        long total;

        void add(int token) {
            next.merge(token, 1, Integer::sum);
            total++;
        }

        int of(int token) {
            return next.getOrDefault(token, 0);
        }
    }

    private final Vocabulary vocabulary;
    private final TextSource text;
    private final int order;
    private final int batch;
    private final TextGeneration generation;
    /** Context (the characters themselves) to counts, for every context length 0..order. */
    private final Map<String, Counts> counts = new HashMap<>();
    private long step;
    private int counted;

    MarkovModel(Vocabulary vocabulary, TextSource text, int order, int batch, TextGeneration generation) {
        this.vocabulary = vocabulary;
        this.text = text;
        this.order = order;
        this.batch = batch;
        this.generation = generation;
    }

    /** The context of {@code length} characters before {@code at}. */
    private String context(int[] tokens, int at, int length) {
        StringBuilder b = new StringBuilder(length * 2);
        for (int i = at - length; i < at; i++) {
            b.append(vocabulary.decode(tokens[i]));
        }
        return b.toString();
    }

    /** P(token | the characters of tokens before at), interpolated over the orders available there. */
    double probability(int[] tokens, int from, int at, int token) {
        double p = 1.0 / vocabulary.size();
        int longest = Math.min(order, at - from);
        for (int j = 0; j <= longest; j++) {
            Counts c = counts.get(context(tokens, at, j));
            if (c == null) {
                break;                                   // a longer context containing this one was not seen either
            }
            p = (c.of(token) + c.next.size() * p) / (c.total + c.next.size());
        }
        return p;
    }

    /** The whole next-character distribution after a history (at most {@code order} characters are used). */
    double[] distribution(String history) {
        int v = vocabulary.size();
        double[] p = new double[v];
        java.util.Arrays.fill(p, 1.0 / v);
        int[] cps = history.codePoints().toArray();
        for (int j = 0; j <= Math.min(order, cps.length); j++) {
            Counts c = counts.get(new String(cps, cps.length - j, j));
            if (c == null) {
                break;
            }
            double t = c.next.size();
            for (int k = 0; k < v; k++) {
                p[k] = (c.of(k) + t * p[k]) / (c.total + t);
            }
        }
        return p;
    }

    private void count(int[] tokens, int at) {
        for (int j = 0; j <= Math.min(order, at); j++) {
            counts.computeIfAbsent(context(tokens, at, j), k -> new Counts()).add(tokens[at]);
        }
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        Corpus corpus = text.get(vocabulary);
        int[] tokens = corpus.tokens();
        int end = corpus.trainEnd();
        Cancellation cancel = request.cancellation();
        for (long done = 0; done < request.steps(); done++) {
            if (cancel.isCancelled()) {
                return new TrainingResult(done, true);
            }
            double nll = 0;
            int items;
            if (counted < end) {
                int stop = Math.min(end, counted + batch);
                for (int i = counted; i < stop; i++) {
                    nll -= Math.log(probability(tokens, 0, i, tokens[i]));
                    count(tokens, i);
                }
                items = stop - counted;
                counted = stop;
            } else {
                int from = (int) ((step * batch) % Math.max(1, end - batch));
                for (int i = from; i < from + Math.min(batch, end); i++) {
                    nll -= Math.log(probability(tokens, 0, i, tokens[i]));
                }
                items = Math.min(batch, end);
            }
            step++;
            listener.onStep(new StepEvent(step, nll / items, items, Map.of()));
        }
        return new TrainingResult(request.steps(), false);
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        return generation.generate(MarkovProvider.ID, request, vocabulary, () -> new IntFunction<float[]>() {
            private final StringBuilder history = new StringBuilder();

            @Override
            public float[] apply(int token) {
                history.append(vocabulary.decode(token));
                int cut = history.length() - 2 * order;      // keep a few characters more than the order (surrogates)
                if (cut > 64) {
                    history.delete(0, cut);
                }
                String h = history.toString();
                int[] cps = h.codePoints().toArray();
                double[] p = distribution(new String(cps, Math.max(0, cps.length - order), Math.min(order, cps.length)));
                float[] logits = new float[p.length];
                for (int i = 0; i < p.length; i++) {
                    logits[i] = (float) Math.log(p[i]);
                }
                return logits;
            }
        });
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        Options.of(MarkovProvider.ID, request.options(), List.of());
        int[] held = text.heldOutOr(request.data(), vocabulary, 2).tokens();
        double nll = 0;
        for (int i = 0; i < held.length; i++) {
            nll -= Math.log(probability(held, 0, i, held[i]));
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(LOSS, nll / held.length);
        m.put("bits-per-character", nll / held.length / Math.log(2));
        m.put("contexts", (double) counts.size());
        return m;
    }

    /** The settings that shape the counts; a checkpoint is only read into a model configured alike. */
    String describe() {
        return "order " + order;
    }

    @Override
    public void save(OutputStream out) {
        Payload.write(MarkovProvider.ID, out, MAGIC, FORMAT, d -> {
            d.writeUTF(describe());
            vocabulary.write(d);
            d.writeLong(step);
            d.writeInt(counted);
            Map<String, Counts> sorted = new TreeMap<>(counts);          // the same bytes for the same counts
            d.writeInt(sorted.size());
            for (Map.Entry<String, Counts> e : sorted.entrySet()) {
                d.writeUTF(e.getKey());
                Map<Integer, Integer> next = new TreeMap<>(e.getValue().next);
                d.writeInt(next.size());
                for (Map.Entry<Integer, Integer> n : next.entrySet()) {
                    d.writeInt(n.getKey());
                    d.writeInt(n.getValue());
                }
            }
        });
    }

    /** Reads what {@link #save} wrote after the vocabulary. */
    void read(DataInputStream d) throws IOException {
        step = d.readLong();
        counted = d.readInt();
        int contexts = d.readInt();
        if (step < 0 || counted < 0 || contexts < 0) {
            throw new CheckpointException(MarkovProvider.ID, "payload holds a negative count; it is corrupt");
        }
        for (int i = 0; i < contexts; i++) {
            String key = d.readUTF();
            Counts c = new Counts();
            int n = d.readInt();
            for (int k = 0; k < n; k++) {
                int token = d.readInt();
                int count = d.readInt();
                if (token < 0 || token >= vocabulary.size() || count <= 0) {
                    throw new CheckpointException(MarkovProvider.ID, "payload holds a count for token " + token
                            + " of a vocabulary of " + vocabulary.size() + "; it is corrupt");
                }
                c.next.put(token, count);
                c.total += count;
            }
            counts.put(key, c);
        }
    }


    @Override
    public long step() {
        return step;
    }

    /** For tests: the probabilities of every character after a history. */
    List<Double> probabilities(String history) {
        List<Double> out = new ArrayList<>();
        for (double p : distribution(history)) {
            out.add(p);
        }
        return out;
    }
}

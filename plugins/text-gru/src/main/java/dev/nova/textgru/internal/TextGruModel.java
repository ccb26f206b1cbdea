package dev.nova.textgru.internal;

import dev.nova.api.CheckpointException;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The text-gru model: trains on random windows of the corpus, samples character by character. */
public final class TextGruModel implements GenerativeModel {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = Checkpoints.MAGIC;
    /** The payload format this version writes and reads. */
    public static final int PAYLOAD_FORMAT = Checkpoints.FORMAT;

    private final Settings settings;
    private final ModelContext context;
    private final Vocabulary vocabulary;
    private final GruNetwork network;
    private final Optimizer optimizer;
    private final CorpusLoader corpus;
    private long seed;
    private long step;

    @Inject
    TextGruModel(Settings settings, ModelContext context, Vocabulary vocabulary, GruNetwork network, Optimizer optimizer,
                 CorpusLoader corpus) {
        this.settings = settings;
        this.context = context;
        this.vocabulary = vocabulary;
        this.network = network;
        this.optimizer = optimizer;
        this.corpus = corpus;
        this.seed = context.seed();
    }

    /**
     * Uses an already read corpus instead of reading it again.
     *
     * @param c the corpus
     */
    public void preload(Corpus c) {
        corpus.preload(c);
    }

    /** The training batch of a step: a pure function of the seed and the step, which makes resume exact. */
    private int[][][] batchAt(long s) {
        Corpus c = corpus.get();
        int t = settings.sequenceLength();
        int b = settings.batch();
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + s);
        int[][] idx = new int[t][b];
        int[][] lab = new int[t][b];
        int span = c.trainEnd() - t;
        for (int j = 0; j < b; j++) {
            int off = r.nextInt(span);
            for (int i = 0; i < t; i++) {
                idx[i][j] = c.tokens()[off + i];
                lab[i][j] = c.tokens()[off + i + 1];
            }
        }
        return new int[][][] {idx, lab};
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        long done = 0;
        long items = (long) settings.sequenceLength() * settings.batch();
        while (done < request.steps()) {
            if (request.cancellation().isCancelled()) {
                return new TrainingResult(done, true);
            }
            int[][][] batch = batchAt(step);
            Random dropRandom = settings.dropout() > 0 ? new Random(seed * 31 + step) : null;
            Map.Entry<Double, Map<String, INDArray>> lg = network.lossAndGradients(batch[0], batch[1], dropRandom);
            double loss = lg.getKey();
            if (!Double.isFinite(loss)) {
                throw new PluginException(TextGru.ID, "training loss became " + loss + " at step " + (step + 1)
                        + "; lower train.learning-rate or set train.gradient-clip");
            }
            double norm = optimizer.apply(lg.getValue(), step);
            step++;
            done++;
            listener.onStep(new StepEvent(step, loss, items,
                    Map.of("learning-rate", settings.learningRate(step - 1), "grad-norm", norm)));
        }
        return new TrainingResult(done, false);
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        String prompt;
        int length;
        Sampler sampler;
        try {
            prompt = request.option(GenerationRequest.PROMPT, String.class).orElse("");
            length = request.option(GenerationRequest.LENGTH, Integer.class).orElse(settings.genLength());
            double temperature = request.option(GenerationRequest.TEMPERATURE, Double.class).orElse(settings.genTemperature());
            int topK = request.option(GenerationRequest.TOP_K, Integer.class).orElse(settings.genTopK());
            double topP = request.option(GenerationRequest.TOP_P, Double.class).orElse(settings.genTopP());
            boolean greedy = request.option(GenerationRequest.GREEDY, Boolean.class).orElse(false);
            for (String key : request.options().keySet()) {
                if (!List.of(GenerationRequest.PROMPT, GenerationRequest.LENGTH, GenerationRequest.TEMPERATURE,
                        GenerationRequest.TOP_K, GenerationRequest.TOP_P, GenerationRequest.GREEDY).contains(key)) {
                    throw new PluginException(TextGru.ID, "unknown generation option '" + key
                            + "'; known: prompt, length, temperature, top-k, top-p, greedy");
                }
            }
            if (length < 0) {
                throw new PluginException(TextGru.ID, "option length must be >= 0, found " + length);
            }
            if (!(temperature > 0)) {
                throw new PluginException(TextGru.ID, "option temperature must be > 0, found " + temperature);
            }
            if (topK < 0) {
                throw new PluginException(TextGru.ID, "option top-k must be >= 0, found " + topK);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw new PluginException(TextGru.ID, "option top-p must be in (0,1], found " + topP);
            }
            sampler = new Sampler(temperature, topK, topP, greedy);
        } catch (IllegalArgumentException e) {
            throw new PluginException(TextGru.ID, e.getMessage(), e);
        }
        int[] promptTokens = vocabulary.encode(TextGru.ID, prompt, "the prompt");
        int start = promptTokens.length > 0 ? -1 : Math.max(0, vocabulary.index('\n'));
        List<Sample> samples = new ArrayList<>();
        GruNetwork.Snapshot weights = network.snapshot();
        for (int s = 0; s < request.count(); s++) {
            Random random = new Random(request.seed() * 1_000_003L + s);
            GruNetwork.Stepper stepper = weights.stepper();
            float[] logits = null;
            if (promptTokens.length == 0) {
                logits = stepper.step(start);
            }
            for (int tok : promptTokens) {
                logits = stepper.step(tok);
            }
            StringBuilder text = new StringBuilder(prompt);
            for (int k = 0; k < length; k++) {
                int next = sampler.next(logits, random);
                String ch = vocabulary.decode(next);
                text.append(ch);
                request.listener().onText(s, ch);
                if (k < length - 1) {
                    logits = stepper.step(next);
                }
            }
            samples.add(new Sample.Text(text.toString()));
        }
        return samples;
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        int[] tokens;
        String source;
        if (request.data().isPresent()) {
            source = request.data().get().toString();
            tokens = vocabulary.encode(TextGru.ID, Corpus.read(TextGru.ID, source), source);
        } else {
            Corpus c = corpus.get();
            source = c.source() + " (held-out tail)";
            tokens = java.util.Arrays.copyOfRange(c.tokens(), c.trainEnd(), c.tokens().length);
        }
        int t = Math.min(settings.sequenceLength(), tokens.length - 1);
        if (t < 1) {
            throw new PluginException(TextGru.ID, source + " is too short to evaluate: " + tokens.length + " characters");
        }
        int windows = Math.min(tokens.length / (t + 1), settings.evalBatches() * settings.batch());
        int b = Math.min(settings.batch(), windows);
        int batches = windows / b;
        double total = 0;
        for (int k = 0; k < batches; k++) {
            int[][] idx = new int[t][b];
            int[][] lab = new int[t][b];
            for (int j = 0; j < b; j++) {
                int off = (k * b + j) * (t + 1);
                for (int i = 0; i < t; i++) {
                    idx[i][j] = tokens[off + i];
                    lab[i][j] = tokens[off + i + 1];
                }
            }
            total += network.loss(idx, lab);
        }
        double loss = total / batches;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(LOSS, loss);
        m.put("bits-per-char", loss / Math.log(2));
        m.put("characters", (double) batches * b * t);
        return m;
    }

    @Override
    public void save(OutputStream out) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeLong(Checkpoints.MAGIC);
            d.writeInt(Checkpoints.FORMAT);
            d.writeInt(settings.embedding());
            d.writeInt(settings.layers());
            d.writeInt(settings.hidden());
            d.writeInt(vocabulary.size());
            for (int cp : vocabulary.codePoints()) {
                d.writeInt(cp);
            }
            d.writeLong(seed);
            d.writeLong(step);
            for (INDArray p : network.params().values()) {
                Nd4j.write(p, d);
            }
            optimizer.write(d);
            d.writeInt(Checkpoints.END);
            d.flush();
        } catch (IOException e) {
            throw new CheckpointException(TextGru.ID, "cannot write the model: " + e.getMessage(), e);
        }
    }

    /**
     * Reads what {@link #save} wrote after the vocabulary (the provider reads the header and vocabulary).
     *
     * @param in the payload
     * @throws IOException if it is truncated or does not fit the configured model
     */
    public void restoreFrom(DataInputStream in) throws IOException {
        seed = in.readLong();
        step = in.readLong();
        for (var e : network.params().entrySet()) {
            e.getValue().assign(Checkpoints.readArray(in, e.getValue(), "parameter " + e.getKey()));
        }
        optimizer.read(in);
        if (in.readInt() != Checkpoints.END) {
            throw new IOException("missing end marker");
        }
    }

    @Override
    public long step() {
        return step;
    }

    /** The model's vocabulary. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The context it was created with. */
    ModelContext context() {
        return context;
    }
}

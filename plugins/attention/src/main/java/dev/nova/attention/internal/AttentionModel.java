package dev.nova.attention.internal;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.ModelContext;
import dev.nova.api.Sample;
import dev.nova.kit.nn.Dropout;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Seeds;
import dev.nova.kit.text.TextMetrics;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.TextModel;
import dev.nova.kit.text.Tokenizer;
import dev.nova.kit.text.Vocabulary;
import dev.nova.kit.tokens.Windows;
import java.util.List;
import java.util.Map;

/** The attention model: trains on random windows of the corpus, samples with key/value caches. */
public final class AttentionModel extends TextModel {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = 0x4e4f5641_41544e31L;
    /** The payload format a character model writes ({@link TextModel#CHARS_FORMAT}; golden payloads pin it). */
    public static final int PAYLOAD_FORMAT = TextModel.CHARS_FORMAT;

    private final Settings settings;
    private final TransformerNetwork network;
    private final TrainingCore training;

    /**
     * Creates a model with fresh weights (drawn from the context's seed) at step 0.
     *
     * @param settings the plugin's settings
     * @param context what the host handed the model
     * @param tokenizer from the corpus (new model) or the checkpoint (restore)
     * @param text the training text (read already for a new model, on first use for a restored one)
     */
    public AttentionModel(Settings settings, ModelContext context, Tokenizer tokenizer, TextSource text) {
        super(Attention.ID, PAYLOAD_MAGIC, tokenizer, text);
        this.settings = settings;
        this.network = new TransformerNetwork(tokenizer.size(), settings.layers(), settings.heads(), settings.width(),
                settings.context(), settings.dropout(), settings.tieWeights(), context.seed());
        this.training = new TrainingCore(Attention.ID, context.seed(), network.params(),
                new Adam(settings.train(), network.params()), s -> settings.batch(), List.of(), this::slice)
                .declareFlops(n -> network.trainingFlops(n, settings.window()));
    }

    /**
     * Windows {@code [from, to)} of step {@code s}: each window's offset and dropout masks are pure functions of
     * the seed, the step and the window's index, so resume is exact and slices add up to the batch.
     */
    private TrainingLoop.Step slice(long s, int from, int to) {
        int time = settings.window();
        int n = to - from;
        long seed = training.seed();
        Windows w = Windows.random(text.get(tokenizer), time, seed, s, from, to);
        Dropout.Masks masks = settings.dropout() > 0
                ? Dropout.batchMajor(Seeds.items(seed, Seeds.DROPOUT, s, from, n), time, n) : null;
        return new TrainingLoop.Step(network.lossAndGradients(w.batchMajorInputs(), w.batchMajorLabels(), n, time, masks),
                (long) time * n);
    }

    /**
     * Generation is safe from several threads at once: each call samples from a snapshot of its own (the parameters
     * read, not written; a model restored for generation aliases their native memory) with a stepper and key/value
     * caches of its own, and the tokenizer is safe for concurrent use. So {@code nova serve --workers N} and an
     * embedding application share one loaded model instead of loading it N times (TCK rule 7.1 holds it to that).
     */
    @Override
    public boolean isThreadSafe() {
        return true;
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        TransformerSnapshot weights = network.snapshot();
        noticeLongPrompt(request);
        // One stepper for all the samples (they run one after another): its caches' native buffers are made once per
        // request, not once per sample.
        TransformerSnapshot.Stepper stepper = weights.stepper();
        return settings.generation().generate(Attention.ID, request, tokenizer, () -> {
                    stepper.reset();
                    return stepper::step;
                });
    }

    /**
     * Requests generated together (a server's concurrent requests): one forward pass per token for every sequence,
     * each with key/value caches of its own, over one snapshot of the parameters per batch.
     */
    @Override
    public java.util.Optional<dev.nova.api.Batching> batching() {
        return java.util.Optional.of(settings.generation().batching(Attention.ID, tokenizer, () -> {
            TransformerSnapshot weights = network.snapshot();
            return dev.nova.kit.text.TextGeneration.Lanes.of(weights::stepper, weights::step);
        }, this::noticeLongPrompt));
    }

    /**
     * A prompt longer than the context slides through the window like generated text: only its last part conditions
     * the sample (the window policy is TransformerSnapshot.Stepper's); the listener is told.
     */
    private void noticeLongPrompt(GenerationRequest request) {
        if (request.options().get(GenerationRequest.PROMPT) instanceof String prompt) {
            boolean chars = tokenizer instanceof Vocabulary;
            int n = chars ? prompt.codePointCount(0, prompt.length()) : tokenizer.encode(Attention.ID, prompt, "the prompt").length;
            if (n > settings.context()) {
                String unit = chars ? "character" : "token";
                request.listener().onNotice("the prompt has " + n + " " + unit + "s, more than the model's context of "
                        + settings.context() + "; each " + unit + " is generated from the last " + settings.context()
                        + " at most");
            }
        }
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        Options.of(Attention.ID, request.options(), List.of());
        int[] tokens = text.heldOutOr(request.data(), tokenizer, 2).tokens();
        int t = Math.min(settings.window(), tokens.length - 1);
        // Non-overlapping windows (of the context, unless train.window is shorter), as the peer measures: every character scored once.
        int windows = (tokens.length - 1) / t;
        if (settings.evalWindows() > 0) {
            windows = Math.min(windows, settings.evalWindows());
        }
        double total = 0;
        long chars = 0;
        for (int from = 0; from < windows; from += settings.evalBatch()) {
            int b = Math.min(settings.evalBatch(), windows - from);
            Windows w = Windows.tiled(tokens, from, b, t);
            total += network.loss(w.batchMajorInputs(), w.batchMajorLabels(), b, t) * b * t;
            chars += (long) b * t;
        }
        return TextMetrics.of(total / chars, chars, tokenizer, tokens);
    }

    @Override
    protected void writeArchitecture(java.io.DataOutputStream d) throws java.io.IOException {
        d.writeUTF(settings.architecture());
    }

    @Override
    public TrainingCore training() {
        return training;
    }

    /**
     * Replaces the parameters with a Hugging Face GPT-2's (the model must have its shape: tied head, the file's
     * positions as its context, its vocabulary as the tokenizer's).
     *
     * @param file the GPT-2's model.safetensors
     */
    public void importGpt2(java.nio.file.Path file) {
        Gpt2Weights.load(network, settings.layers(), file);
    }

    /**
     * Writes this model as a GPT-2 ({@code nova export}): it must have GPT-2's head (tied to the token embedding) and
     * a byte-level BPE tokenizer ({@code bpe} or {@code gpt2}); a character model is refused, naming the setting.
     *
     * @param format the format
     * @param precision F32 or F16
     * @param folder an empty folder
     * @return the files written
     */
    public java.util.List<java.nio.file.Path> exportGpt2(dev.nova.api.OpenWeights.Format format,
                                                        dev.nova.api.OpenWeights.Precision precision,
                                                        java.nio.file.Path folder) {
        if (!(tokenizer instanceof dev.nova.kit.text.Subwords subwords)) {
            throw new dev.nova.api.PluginException(Attention.ID, "this model reads characters (data.tokenizer = "
                    + tokenizer.kind() + "); GPT-2's formats carry a byte-level BPE: train with data.tokenizer = bpe or"
                    + " gpt2 to export");
        }
        if (!settings.tieWeights()) {
            throw new dev.nova.api.PluginException(Attention.ID, "this model has its own output head"
                    + " (model.tie-weights = false); GPT-2's head is its token embedding: train with"
                    + " model.tie-weights = true to export");
        }
        dev.nova.kit.weights.Gpt2Config shape = new dev.nova.kit.weights.Gpt2Config(settings.layers(),
                settings.heads(), settings.width(), settings.context(), tokenizer.size());
        Map<String, String> names = Gpt2Weights.names(settings.layers(), "");
        return dev.nova.kit.weights.Gpt2Export.write(Attention.ID, shape, hf -> names.containsKey(hf)
                ? network.params().get(names.get(hf)) : null, subwords, format, precision, folder);
    }

    /** The network (tests compare its cached sampling with full recomputation). */
    TransformerNetwork network() {
        return network;
    }
}

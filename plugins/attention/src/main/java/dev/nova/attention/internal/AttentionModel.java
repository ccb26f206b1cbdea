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
import dev.nova.kit.text.Tokenizer;
import dev.nova.kit.text.Vocabulary;
import dev.nova.kit.tokens.Windows;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** The attention model: trains on random windows of the corpus, samples with key/value caches. */
public final class AttentionModel implements TrainingCore.Holder {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = 0x4e4f5641_41544e31L;
    /**
     * The payload format this version writes: 2, whose training draws each window's offset and dropout masks
     * from the window's own stream (so that data-parallel slices add up); format 1 (one stream per step) is
     * still read, and such a run continues with the format 2 draws.
     */
    public static final int PAYLOAD_FORMAT = 2;
    /**
     * The payload format of a model whose tokens are not characters ({@code data.tokenizer = bpe} or {@code gpt2}):
     * format 2 with the tokenizer, tagged with its kind, in place of the code points. A character model still writes
     * format 2, byte for byte.
     */
    public static final int SUBWORD_PAYLOAD_FORMAT = 3;
    /** Every payload format this version reads. */
    public static final int[] PAYLOAD_FORMATS = {1, 2, 3};

    private final Settings settings;
    private final Tokenizer vocabulary;
    private final TransformerNetwork network;
    private final TextSource text;
    private final TrainingCore training;

    /**
     * Creates a model with fresh weights (drawn from the context's seed) at step 0.
     *
     * @param settings the plugin's settings
     * @param context what the host handed the model
     * @param vocabulary the tokenizer: from the corpus (new model) or the checkpoint (restore)
     * @param text the training text (read already for a new model, on first use for a restored one)
     */
    public AttentionModel(Settings settings, ModelContext context, Tokenizer vocabulary, TextSource text) {
        this.settings = settings;
        this.vocabulary = vocabulary;
        this.text = text;
        this.network = new TransformerNetwork(vocabulary.size(), settings.layers(), settings.heads(), settings.width(),
                settings.context(), settings.dropout(), settings.tieWeights(), context.seed());
        this.training = new TrainingCore(Attention.ID, context.seed(), network.params(),
                new Adam(settings.train(), network.params()), s -> settings.batch(), List.of(), this::slice)
                .declareFlops(n -> network.trainingFlops(n, settings.context()));
    }

    /**
     * Windows {@code [from, to)} of step {@code s}: each window's offset and dropout masks are pure functions of
     * the seed, the step and the window's index, so resume is exact and slices add up to the batch.
     */
    private TrainingLoop.Step slice(long s, int from, int to) {
        int time = settings.context();
        int n = to - from;
        long seed = training.seed();
        Windows w = Windows.random(text.get(vocabulary), time, seed, s, from, to);
        Dropout.Masks masks = settings.dropout() > 0
                ? Dropout.batchMajor(Seeds.items(seed, Seeds.DROPOUT, s, from, n), time, n) : null;
        return new TrainingLoop.Step(network.lossAndGradients(w.batchMajorInputs(), w.batchMajorLabels(), n, time, masks),
                (long) time * n);
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        // A prompt longer than the context slides through the window like generated text: only its last part
        // conditions the sample (the window policy is TransformerNetwork.Stepper's).
        TransformerNetwork.Snapshot weights = network.snapshot();
        if (request.options().get(GenerationRequest.PROMPT) instanceof String prompt) {
            boolean chars = vocabulary instanceof Vocabulary;
            int n = chars ? prompt.codePointCount(0, prompt.length()) : vocabulary.encode(Attention.ID, prompt, "the prompt").length;
            if (n > settings.context()) {
                String unit = chars ? "character" : "token";
                request.listener().onNotice("the prompt has " + n + " " + unit + "s, more than the model's context of "
                        + settings.context() + "; each " + unit + " is generated from the last " + settings.context()
                        + " at most");
            }
        }
        // One stepper for all the samples (they run one after another): its caches' native buffers are made once per
        // request, not once per sample.
        TransformerNetwork.Stepper stepper = weights.stepper();
        return settings.generation().generate(Attention.ID, request, vocabulary, () -> {
                    stepper.reset();
                    return stepper::step;
                });
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        Options.of(Attention.ID, request.options(), List.of());
        int[] tokens = text.heldOutOr(request.data(), vocabulary, 2).tokens();
        int t = Math.min(settings.context(), tokens.length - 1);
        // Non-overlapping windows of the context, as the peer measures: every character scored once.
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
        return TextMetrics.of(total / chars, chars, vocabulary, tokens);
    }

    @Override
    public void save(OutputStream out) {
        training.save(out, PAYLOAD_MAGIC, vocabulary instanceof Vocabulary ? PAYLOAD_FORMAT : SUBWORD_PAYLOAD_FORMAT, d -> {
            d.writeUTF(settings.architecture());
            if (vocabulary instanceof Vocabulary v) {
                v.write(d);
            } else {
                vocabulary.save(d);
            }
        });
    }

    @Override
    public TrainingCore training() {
        return training;
    }

    /** The training text and its held-out tail, for sample-quality metrics. */
    @Override
    public java.util.Optional<dev.nova.api.ReferenceData> referenceData() {
        return java.util.Optional.of(text.reference(vocabulary));
    }

    /** The model's tokens, as the host sees them. */
    @Override
    public java.util.Optional<dev.nova.api.TextTokens> textTokens() {
        return java.util.Optional.of(vocabulary.forPlugin(Attention.ID));
    }

    /** The model's tokenizer. */
    public Tokenizer vocabulary() {
        return vocabulary;
    }

    /** The network (tests compare its cached sampling with full recomputation). */
    TransformerNetwork network() {
        return network;
    }
}

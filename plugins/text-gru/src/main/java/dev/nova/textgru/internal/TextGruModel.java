package dev.nova.textgru.internal;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.ModelContext;
import dev.nova.api.Sample;
import dev.nova.kit.nn.TokenGru;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.support.Options;
import dev.nova.kit.text.TextMetrics;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Tokenizer;
import dev.nova.kit.text.Vocabulary;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** The text-gru model: trains on random windows of the corpus, samples character by character. */
public final class TextGruModel implements TrainingCore.Holder {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = 0x4e4f56415447_5255L;
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
    private final TokenGru network;
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
    public TextGruModel(Settings settings, ModelContext context, Tokenizer vocabulary, TextSource text) {
        this.settings = settings;
        this.vocabulary = vocabulary;
        this.text = text;
        this.network = new TokenGru(vocabulary.size(), settings.embedding(), settings.layers(), settings.hidden(),
                settings.dropout(), context.seed());
        this.training = new TrainingCore(TextGru.ID, context.seed(), network.params(),
                new Adam(settings.train(), network.params()), s -> settings.batch(), List.of(), this::slice)
                .declareFlops(n -> network.trainingFlops(n, settings.sequenceLength()));
    }

    /**
     * Windows {@code [from, to)} of step {@code s}: each window's offset and dropout masks are pure functions of
     * the seed, the step and the window's index, so resume is exact and slices add up to the batch.
     */
    private TrainingLoop.Step slice(long s, int from, int to) {
        int time = settings.sequenceLength();
        return new TrainingLoop.Step(network.trainSlice(text.get(vocabulary), time, settings.dropout(),
                training.seed(), s, from, to), (long) time * (to - from));
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        TokenGru.Snapshot weights = network.snapshot();
        return settings.generation().generate(TextGru.ID, request, vocabulary, () -> weights.stepper()::step);
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        Options.of(TextGru.ID, request.options(), List.of());
        int[] tokens = text.heldOutOr(request.data(), vocabulary, 2).tokens();
        TokenGru.HeldOut held = network.heldOutLoss(tokens, settings.sequenceLength(), settings.batch(),
                settings.evalBatches());
        return TextMetrics.of(held.meanNats(), held.tokens(), vocabulary, tokens);
    }

    @Override
    public void save(OutputStream out) {
        training.save(out, PAYLOAD_MAGIC, vocabulary instanceof Vocabulary ? PAYLOAD_FORMAT : SUBWORD_PAYLOAD_FORMAT, d -> {
            new TokenGru.Shape(settings.embedding(), settings.layers(), settings.hidden()).write(d);
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
        return java.util.Optional.of(vocabulary.forPlugin(TextGru.ID));
    }

    /** The model's tokenizer. */
    public Tokenizer vocabulary() {
        return vocabulary;
    }
}

package dev.nova.textgru.internal;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.ModelContext;
import dev.nova.api.Sample;
import dev.nova.kit.nn.ParamLayout;
import dev.nova.kit.nn.TokenGru;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.DeferredNetwork;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.optim.TrainingState;
import dev.nova.kit.support.Options;
import dev.nova.kit.text.TextMetrics;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.TextModel;
import dev.nova.kit.text.Tokenizer;
import java.util.List;
import java.util.Map;

/**
 * The text-gru model: trains on random windows of the corpus, samples character by character. Its network is built
 * on first use: restored only to generate, it samples from the payload's values read in Java alone, without starting
 * ND4J (most of {@code nova generate}'s start-up).
 */
public final class TextGruModel extends TextModel implements TrainingCore.Deferred {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = 0x4e4f56415447_5255L;
    /** The payload format a character model writes ({@link TextModel#CHARS_FORMAT}; golden payloads pin it). */
    public static final int PAYLOAD_FORMAT = TextModel.CHARS_FORMAT;

    private final Settings settings;
    private final long seed;
    private final DeferredNetwork<Net> net = new DeferredNetwork<>(this::build, Net::training);
    /** Restored for generation only: the parameters' snapshot, sampled without building the network. */
    private volatile TokenGru.Snapshot restored;

    /** The network and its training core. */
    private record Net(TokenGru network, TrainingCore training) {
    }

    /**
     * Creates a model with fresh weights (drawn from the context's seed, when first needed) at step 0.
     *
     * @param settings the plugin's settings
     * @param context what the host handed the model
     * @param tokenizer from the corpus (new model) or the checkpoint (restore)
     * @param text the training text (read already for a new model, on first use for a restored one)
     */
    public TextGruModel(Settings settings, ModelContext context, Tokenizer tokenizer, TextSource text) {
        super(TextGru.ID, PAYLOAD_MAGIC, tokenizer, text);
        this.settings = settings;
        this.seed = context.seed();
    }

    private Net build() {
        TokenGru network = new TokenGru(tokenizer.size(), settings.embedding(), settings.layers(), settings.hidden(),
                settings.dropout(), seed);
        TrainingCore core = new TrainingCore(TextGru.ID, seed, network.params(),
                new Adam(settings.train(), network.params()), s -> settings.batch(), List.of(),
                (s, from, to) -> slice(network, s, from, to))
                .declareFlops(n -> network.trainingFlops(n, settings.sequenceLength()));
        return new Net(network, core);
    }

    /**
     * Windows {@code [from, to)} of step {@code s}: each window's offset and dropout masks are pure functions of
     * the seed, the step and the window's index, so resume is exact and slices add up to the batch.
     */
    private TrainingLoop.Step slice(TokenGru network, long s, int from, int to) {
        int time = settings.sequenceLength();
        return new TrainingLoop.Step(network.trainSlice(text.get(tokenizer), time, settings.dropout(),
                training().seed(), s, from, to), (long) time * (to - from));
    }

    private TokenGru.Shape shape() {
        return new TokenGru.Shape(settings.embedding(), settings.layers(), settings.hidden());
    }

    @Override
    public ParamLayout layout() {
        return TokenGru.layout(tokenizer.size(), tokenizer.size(), shape());
    }

    @Override
    public void restoredForGeneration(TrainingState.Values read) {
        net.restoredForGeneration(read);
        restored = TokenGru.snapshot(read.values(), tokenizer.size(), tokenizer.size(), shape());
    }

    /** The parameters' snapshot: the one restored for generation, else a copy of the network's current ones. */
    private TokenGru.Snapshot weights() {
        TokenGru.Snapshot fixed = restored;
        return fixed != null ? fixed : net.get().network().snapshot();
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        TokenGru.Snapshot weights = weights();
        return settings.generation().generate(TextGru.ID, request, tokenizer, () -> weights.stepper()::step);
    }

    /**
     * Requests generated together (a server's concurrent requests): one step of the recurrent products for every
     * sequence, each with a state of its own, over one snapshot of the parameters per batch.
     */
    @Override
    public java.util.Optional<dev.nova.api.Batching> batching() {
        return java.util.Optional.of(settings.generation().batching(TextGru.ID, tokenizer, () -> {
            TokenGru.Snapshot weights = weights();
            return dev.nova.kit.text.TextGeneration.Lanes.of(weights::stepper, weights::step);
        }, r -> { }));
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        Options.of(TextGru.ID, request.options(), List.of());
        int[] tokens = text.heldOutOr(request.data(), tokenizer, 2).tokens();
        TokenGru.HeldOut held = net.get().network().heldOutLoss(tokens, settings.sequenceLength(), settings.batch(),
                settings.evalBatches());
        return TextMetrics.of(held.meanNats(), held.tokens(), tokenizer, tokens);
    }

    @Override
    protected void writeArchitecture(java.io.DataOutputStream d) throws java.io.IOException {
        new TokenGru.Shape(settings.embedding(), settings.layers(), settings.hidden()).write(d);
    }

    @Override
    public TrainingCore training() {
        return net.get().training();
    }

    @Override
    public long step() {
        return net.step();
    }
}

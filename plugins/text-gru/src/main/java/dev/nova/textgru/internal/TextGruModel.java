package dev.nova.textgru.internal;

import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.Sample;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.kit.nn.Dropout;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.SliceTraining;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.optim.TrainingState;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.Seeds;
import dev.nova.kit.text.TextGeneration;
import dev.nova.kit.text.TextMetrics;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Vocabulary;
import dev.nova.kit.text.Windows;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The text-gru model: trains on random windows of the corpus, samples character by character. */
public final class TextGruModel implements GenerativeModel {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = 0x4e4f56415447_5255L;
    /**
     * The payload format this version writes: 2, whose training draws each window's offset and dropout masks
     * from the window's own stream (so that data-parallel slices add up); format 1 (one stream per step) is
     * still read, and such a run continues with the format 2 draws.
     */
    public static final int PAYLOAD_FORMAT = 2;
    /** Every payload format this version reads. */
    public static final int[] PAYLOAD_FORMATS = {1, 2};

    private final Settings settings;
    private final Vocabulary vocabulary;
    private final GruNetwork network;
    private final Adam optimizer;
    private final TextSource text;
    private final SliceTraining slices;
    private long seed;
    private long step;

    @Inject
    TextGruModel(Settings settings, ModelContext context, Vocabulary vocabulary, GruNetwork network, Adam optimizer,
                 TextSource text) {
        this.settings = settings;
        this.vocabulary = vocabulary;
        this.network = network;
        this.optimizer = optimizer;
        this.text = text;
        this.seed = context.seed();
        this.slices = new SliceTraining(TextGru.ID, network.params(), optimizer, s -> settings.batch(), List.of(), () -> step,
                s -> step = s, this::slice);
    }

    /**
     * Windows {@code [from, to)} of step {@code s}: each window's offset and dropout masks are pure functions of
     * the seed, the step and the window's index, so resume is exact and slices add up to the batch.
     */
    private TrainingLoop.Step slice(long s, int from, int to) {
        int time = settings.sequenceLength();
        Windows batch = Windows.random(text.get(vocabulary), time, seed, s, from, to);
        Dropout.Masks masks = settings.dropout() > 0
                ? Dropout.timeMajor(Seeds.items(seed, Seeds.DROPOUT, s, from, to - from), time, to - from) : null;
        return new TrainingLoop.Step(network.lossAndGradients(batch, masks), (long) time * (to - from));
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        return TrainingLoop.run(TextGru.ID, request, listener, optimizer, step, s -> step = s, slices.wholeBatch());
    }

    @Override
    public Optional<DataParallel> dataParallel() {
        return Optional.of(slices);
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        GruNetwork.Snapshot weights = network.snapshot();
        return new TextGeneration(settings.genLength(), settings.genTemperature(), settings.genTopK(), settings.genTopP())
                .generate(TextGru.ID, request, vocabulary, () -> weights.stepper()::step);
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        Options.of(TextGru.ID, request.options(), List.of());
        int[] tokens = text.heldOutOr(request.data(), vocabulary, 2).tokens();
        int t = Math.min(settings.sequenceLength(), tokens.length - 1);
        int windows = Math.min(tokens.length / (t + 1), settings.evalBatches() * settings.batch());
        int b = Math.min(settings.batch(), windows);
        int batches = windows / b;
        double total = 0;
        for (int k = 0; k < batches; k++) {
            total += network.loss(Windows.consecutive(tokens, k, t, b));
        }
        return TextMetrics.of(total / batches, (long) batches * b * t);
    }

    @Override
    public void save(OutputStream out) {
        Payload.write(TextGru.ID, out, PAYLOAD_MAGIC, PAYLOAD_FORMAT, d -> {
            d.writeInt(settings.embedding());
            d.writeInt(settings.layers());
            d.writeInt(settings.hidden());
            vocabulary.write(d);
            new TrainingState(seed, step).write(d, network.params(), optimizer);
        });
    }

    /**
     * Reads what {@link #save} wrote after the vocabulary (the provider reads the header and vocabulary).
     *
     * @param in the payload
     * @throws IOException if it is truncated or does not fit the configured model
     */
    public void restoreFrom(DataInputStream in) throws IOException {
        TrainingState state = TrainingState.read(in, network.params(), optimizer);
        seed = state.seed();
        step = state.step();
    }

    @Override
    public long step() {
        return step;
    }

    /** The model's vocabulary. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }
}

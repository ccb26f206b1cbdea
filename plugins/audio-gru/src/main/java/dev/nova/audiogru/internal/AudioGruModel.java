package dev.nova.audiogru.internal;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.kit.audio.AudioSource;
import dev.nova.kit.audio.MuLaw;
import dev.nova.kit.nn.TokenGru;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.DeferredNetwork;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.support.Options;
import dev.nova.kit.text.Corpus;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The audio-gru model: a GRU over the 256 μ-law levels of the audio, one level per audio sample (a SampleRNN/WaveRNN
 * in small). Trains on random windows of {@code train.sequence-length} samples (truncated backpropagation through
 * time), each starting from the state the network reaches over the {@code train.state-warmup} samples before it (0:
 * the zero state), and samples one audio sample at a time. Conditioned on classes
 * ({@code model.conditioning = class}), every level of a file of class {@code c} is fed as {@code level + 256·c}: the
 * level's embedding plus the class's (kit's {@link TokenGru} conditioning), at every step.
 */
public final class AudioGruModel implements TrainingCore.Deferred {

    /** The first bytes of every payload: "NOVAAGRU". */
    public static final long PAYLOAD_MAGIC = 0x4e4f5641_41475255L;
    /** The payload format this version writes. */
    public static final int PAYLOAD_FORMAT = 2;
    /** Every payload format this version reads: 1 has no class names (0.1.0 before conditioning). */
    public static final int[] PAYLOAD_FORMATS = {1, 2};

    private final Settings settings;
    private final ModelContext context;
    private final Supplier<AudioSource.AudioSet> data;
    /** The network and its training core, built on first use (never, for a model restored only to generate). */
    private final DeferredNetwork<Net> net = new DeferredNetwork<>(this::build, Net::training);
    /** Restored for generation only: the parameters' snapshot, sampled without building the network. */
    private volatile TokenGru.Snapshot restored;
    /** The classes the model is conditioned on, in input order; empty when it is not. */
    private final List<String> classes;
    private Corpus corpus;

    /**
     * Creates a model with fresh weights (drawn from the context's seed) at step 0.
     *
     * @param settings the plugin's settings
     * @param context what the host handed the model
     * @param data the audio, read on first use
     * @param classes the classes to condition on (empty: none)
     */
    public AudioGruModel(Settings settings, ModelContext context, Supplier<AudioSource.AudioSet> data,
                         List<String> classes) {
        this.settings = settings;
        this.context = context;
        this.data = data;
        this.classes = List.copyOf(classes);
    }

    /** The network and its training core. */
    private record Net(TokenGru network, TrainingCore training) {
    }

    private int inputs() {
        return MuLaw.LEVELS * Math.max(1, classes.size());
    }

    private TokenGru.Shape shape() {
        return new TokenGru.Shape(settings.embedding(), settings.layers(), settings.hidden());
    }

    private Net build() {
        TokenGru network = new TokenGru(inputs(), MuLaw.LEVELS, settings.embedding(), settings.layers(),
                settings.hidden(), settings.dropout(), context.seed(), org.nd4j.linalg.api.buffer.DataType.FLOAT);
        TrainingCore core = new TrainingCore(AudioGru.ID, context.seed(), network.params(),
                new Adam(settings.train(), network.params()), s -> settings.batch(), List.of(),
                (s, from, to) -> slice(network, s, from, to))
                .declareFlops(n -> network.trainingFlops(n, settings.sequenceLength()));
        return new Net(network, core);
    }

    @Override
    public dev.nova.kit.nn.ParamLayout layout() {
        return TokenGru.layout(inputs(), MuLaw.LEVELS, shape());
    }

    @Override
    public void restoredForGeneration(dev.nova.kit.optim.TrainingState.Values read) {
        net.restoredForGeneration(read);
        restored = TokenGru.snapshot(read.values(), inputs(), MuLaw.LEVELS, shape());
    }

    /** The training levels (every training file's, one after another) and the held-out ones after them. */
    private synchronized Corpus corpus() {
        if (corpus == null) {
            AudioSource.AudioSet set = data.get();
            String where = "data.path " + settings.data().path();
            int[] train = levels(set.train(), set.classes(), where);
            int[] held = levels(set.heldOut(), set.classes(), where);
            if (train.length < settings.sequenceLength() + 2) {
                throw new PluginException(AudioGru.ID, "data.path " + settings.data().path() + " holds " + train.length
                        + " training samples at " + settings.data().sampleRate() + " Hz; train.sequence-length "
                        + settings.sequenceLength() + " needs at least " + (settings.sequenceLength() + 2));
            }
            int[] all = java.util.Arrays.copyOf(train, train.length + held.length);
            System.arraycopy(held, 0, all, train.length, held.length);
            corpus = new Corpus(all, train.length, settings.data().path());
        }
        return corpus;
    }

    /**
     * The clips' levels one after another; conditioned, each as {@code level + 256·c} for its clip's class {@code c}
     * among the model's classes, found by name.
     */
    private int[] levels(List<AudioSource.Clip> clips, List<String> dataClasses, String where) {
        int n = clips.stream().mapToInt(c -> c.samples().length).sum();
        int[] out = new int[n];
        int at = 0;
        for (AudioSource.Clip c : clips) {
            int offset = 0;
            if (!classes.isEmpty()) {
                int k = c.label() < 0 ? -1 : classIndex(dataClasses.get(c.label()));
                if (k < 0) {
                    throw new PluginException(AudioGru.ID, where + ": " + c.name() + " is not in a folder named after"
                            + " one of the model's classes " + classes + " or its index, 0 to " + (classes.size() - 1)
                            + " (model.conditioning = class)");
                }
                offset = k * MuLaw.LEVELS;
            }
            for (float v : c.samples()) {
                out[at++] = MuLaw.encode(v) + offset;
            }
        }
        return out;
    }

    /**
     * The model's class a data folder names: by name, or by index as the label option takes it ({@code 0} is the
     * first class); -1 for neither.
     */
    private int classIndex(String folder) {
        int k = classes.indexOf(folder);
        if (k < 0 && folder.matches("\\d{1,9}")) {
            int index = Integer.parseInt(folder);
            k = index < classes.size() ? index : -1;
        }
        return k;
    }

    /** The classes the model is conditioned on (empty when it is not). */
    public List<String> classes() {
        return classes;
    }

    /**
     * Conditioned: the class names, for hosts that offer them ({@code nova serve}'s page); no reference data
     * otherwise (sample-quality metrics of audio are not in this version).
     */
    @Override
    public java.util.Optional<dev.nova.api.ReferenceData> referenceData() {
        if (classes.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new dev.nova.api.ReferenceData() {
            @Override
            public List<String> classes() {
                return classes;
            }

            @Override
            public boolean conditional() {
                return true;
            }

            /** No data is offered, only class names: the names are the identity. */
            @Override
            public String fingerprint() {
                return "audio-gru classes " + classes;
            }
        });
    }

    /** Windows {@code [from, to)} of step {@code s}: offsets and dropout masks are pure functions of seed and step. */
    private TrainingLoop.Step slice(TokenGru network, long s, int from, int to) {
        int time = settings.sequenceLength();
        return new TrainingLoop.Step(network.trainSlice(corpus(), time, settings.warmup(), settings.dropout(),
                training().seed(), s, from, to), (long) time * (to - from));
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        TokenGru.Snapshot fixed = restored;
        TokenGru.Snapshot weights = fixed != null ? fixed : net.get().network().snapshot();
        return settings.generation().generate(AudioGru.ID, request, settings.data().sampleRate(), classes, c -> {
            TokenGru.Stepper stepper = weights.stepper();
            int offset = Math.max(0, c) * MuLaw.LEVELS;
            return level -> stepper.step(level + offset);
        });
    }

    /** The evaluation option that overrides {@code eval.state-warmup} ({@code nova evaluate --option state-warmup=N}). */
    public static final String STATE_WARMUP = "state-warmup";

    /**
     * Held-out loss in nats per audio sample ({@code loss}), the same in bits ({@code bits-per-sample}), and how many
     * samples were scored ({@code samples}).
     */
    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        int warmup = Options.of(AudioGru.ID, request.options(), List.of(STATE_WARMUP))
                .integer(STATE_WARMUP, 0, 1_000_000).orElse(settings.evalWarmup());
        int[] tokens;
        String source;
        if (request.data().isPresent()) {
            source = request.data().get().toString();
            AudioSource.AudioSet set = AudioSource.readAll(AudioGru.ID, source, settings.data().sampleRate());
            tokens = levels(set.train(), set.classes(), source);
        } else {
            Corpus c = corpus();
            tokens = c.heldOut();
            source = c.source() + " (held-out files)";
        }
        if (tokens.length < 2) {
            throw new PluginException(AudioGru.ID, source + " is too short to evaluate: " + tokens.length + " samples");
        }
        TokenGru.HeldOut held = net.get().network().heldOutLoss(tokens, settings.sequenceLength(), settings.batch(),
                settings.evalBatches(), warmup);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(GenerativeModel.LOSS, held.meanNats());
        m.put("bits-per-sample", held.meanNats() / Math.log(2));
        m.put("samples", (double) held.tokens());
        m.put("unigram-bits-per-sample", unigramBits(tokens, held.windows(), held.time()));
        return m;
    }

    /**
     * The baseline: bits per sample of the scored samples under the training data's level frequencies (add-one
     * smoothed), the best a model that ignores what came before can do.
     */
    private double unigramBits(int[] tokens, int windows, int t) {
        Corpus c = corpus();
        double[] counts = new double[MuLaw.LEVELS];
        java.util.Arrays.fill(counts, 1);
        int[] all = c.tokens();
        for (int i = 0; i < c.trainEnd(); i++) {
            counts[all[i] % MuLaw.LEVELS]++;
        }
        double total = c.trainEnd() + MuLaw.LEVELS;
        double bits = 0;
        long n = 0;
        for (int w = 0; w < windows; w++) {
            for (int i = 1; i <= t; i++) {                        // the labels the model was scored on
                bits -= Math.log(counts[tokens[w * (t + 1) + i] % MuLaw.LEVELS] / total) / Math.log(2);
                n++;
            }
        }
        return bits / n;
    }

    @Override
    public void save(OutputStream out) {
        training().save(out, PAYLOAD_MAGIC, PAYLOAD_FORMAT, d -> {
            new TokenGru.Shape(settings.embedding(), settings.layers(), settings.hidden()).write(d);
            d.writeInt(settings.data().sampleRate());
            d.writeInt(classes.size());                          // format 2: the classes, in input order
            for (String c : classes) {
                d.writeUTF(c);
            }
        });
    }

    @Override
    public TrainingCore training() {
        return net.get().training();
    }

    @Override
    public long step() {
        return net.step();
    }

    /** The context the model was made with. */
    ModelContext context() {
        return context;
    }
}

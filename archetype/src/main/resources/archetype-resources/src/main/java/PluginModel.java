package ${package};

import com.typesafe.config.Config;
import dev.nova.api.CheckpointException;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A character bigram model with add-one smoothing, P(b | a) = (C(a b) + 1) / (C(a) + V), trained by counting:
 * each step counts the next {@code train.batch} character pairs of the training text (cycling through it), and
 * reports their mean negative log-likelihood before counting them. Replace it with your model; keep what the
 * launcher relies on: one StepEvent per step, cancellation checked every step, the same samples for the same
 * seed, and a payload that restores the model exactly (parameters, step, data position).
 */
final class PluginModel implements GenerativeModel {

    /** Identifies this plugin's payloads; pick your own, and raise FORMAT when the layout changes. */
    static final long MAGIC = 0x4e4f56415f424947L;
    static final int FORMAT = 1;
    private static final int END = 0x454e4421;
    private static final Set<String> OPTIONS = Set.of(GenerationRequest.PROMPT, GenerationRequest.LENGTH,
            GenerationRequest.TEMPERATURE);

    private final int[] vocabulary;               // the code points of the training text, sorted
    private final long[][] pairs;                 // pairs[a][b]: how often b followed a
    private final long[] rows;                    // rows[a]: how often anything followed a
    private final Supplier<String> data;          // the training text, read when first needed
    private final Config config;
    private int[] tokens;
    private long step;
    private int position;

    private PluginModel(int[] vocabulary, Supplier<String> data, Config config) {
        this.vocabulary = vocabulary;
        this.pairs = new long[vocabulary.length][vocabulary.length];
        this.rows = new long[vocabulary.length];
        this.data = data;
        this.config = config;
    }

    static PluginModel create(String text, Config config) {
        int[] vocabulary = text.codePoints().distinct().sorted().toArray();
        if (vocabulary.length == 0 || text.codePointCount(0, text.length()) < 10) {
            throw new PluginException(PluginProvider.ID, "the training text has fewer than 10 characters");
        }
        PluginModel m = new PluginModel(vocabulary, null, config);
        m.tokens = m.encode(text, "the training text");
        return m;
    }

    private int[] encode(String text, String what) {
        return text.codePoints().map(cp -> {
            int i = Arrays.binarySearch(vocabulary, cp);
            if (i < 0) {
                throw new InvalidOptionException(PluginProvider.ID, "prompt", what + " holds '" + Character.toString(cp)
                        + "', which is not in the model's vocabulary");
            }
            return i;
        }).toArray();
    }

    private int[] tokens() {
        if (tokens == null) {
            tokens = encode(data.get(), "the training text");
        }
        return tokens;
    }

    private int trainEnd() {
        return (int) Math.round(tokens().length * (1 - config.getDouble("data.holdout")));
    }

    private double probability(int a, int b) {
        return (pairs[a][b] + 1.0) / (rows[a] + vocabulary.length);
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        int[] t = tokens();
        int end = trainEnd();
        int batch = config.getInt("train.batch");
        for (long done = 0; done < request.steps(); done++) {
            if (request.cancellation().isCancelled()) {
                return new TrainingResult(done, true);
            }
            double nll = 0;
            for (int k = 0; k < batch; k++) {
                int a = t[position];
                int b = t[position + 1];
                nll -= Math.log(probability(a, b));
                pairs[a][b]++;
                rows[a]++;
                position = (position + 1) % (end - 1);
            }
            step++;
            listener.onStep(new StepEvent(step, nll / batch, batch, Map.of()));
        }
        return new TrainingResult(request.steps(), false);
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        for (String key : request.options().keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new InvalidOptionException(PluginProvider.ID, key, "unknown option '" + key + "'; known: " + OPTIONS);
            }
        }
        int length = number(request, GenerationRequest.LENGTH, config.getInt("generate.length"));
        double temperature = number(request, GenerationRequest.TEMPERATURE, config.getDouble("generate.temperature"));
        if (length < 0 || length > 10_000_000) {
            throw new InvalidOptionException(PluginProvider.ID, GenerationRequest.LENGTH,
                    "option length must be in [0, 10000000], found " + length);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new InvalidOptionException(PluginProvider.ID, GenerationRequest.TEMPERATURE,
                    "option temperature must be > 0, found " + temperature);
        }
        String prompt = String.valueOf(request.options().getOrDefault(GenerationRequest.PROMPT, ""));
        int[] promptTokens = encode(prompt, "the prompt");
        int newline = Arrays.binarySearch(vocabulary, '\n');
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < request.count(); s++) {
            Random random = new Random(request.seed() * 1_000_003L + s);
            int current = promptTokens.length > 0 ? promptTokens[promptTokens.length - 1] : Math.max(0, newline);
            StringBuilder text = new StringBuilder(prompt);
            double[] weights = new double[vocabulary.length];
            for (int i = 0; i < length; i++) {
                double sum = 0;
                for (int b = 0; b < weights.length; b++) {
                    weights[b] = Math.exp(Math.log(probability(current, b)) / temperature);
                    sum += weights[b];
                }
                double u = random.nextDouble() * sum;
                int next = weights.length - 1;
                for (int b = 0; b < weights.length; b++) {
                    u -= weights[b];
                    if (u < 0) {
                        next = b;
                        break;
                    }
                }
                String ch = Character.toString(vocabulary[next]);
                text.append(ch);
                request.listener().onText(s, ch);
                current = next;
            }
            samples.add(new Sample.Text(text.toString()));
        }
        return samples;
    }

    /** A number option, typed or as text (as `--option key=value` sends it). */
    @SuppressWarnings("unchecked")
    private static <T extends Number> T number(GenerationRequest request, String key, T fallback) {
        Object v = request.options().get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
            if (fallback instanceof Integer) {
                if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                return (T) Integer.valueOf((int) d);
            }
            return (T) Double.valueOf(d);
        } catch (NumberFormatException e) {
            throw new InvalidOptionException(PluginProvider.ID, key, "option " + key + " must be "
                    + (fallback instanceof Integer ? "a whole number" : "a number") + ", found " + v);
        }
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        if (!request.options().isEmpty()) {
            String key = request.options().keySet().iterator().next();
            throw new InvalidOptionException(PluginProvider.ID, key, "unknown option '" + key + "'; this plugin takes none");
        }
        // The held-out tail of the training text, or the text file the user names (nova evaluate --data FILE: the
        // path arrives absolute); its characters must be in the model's vocabulary.
        int[] t;
        int from;
        if (request.data().isPresent()) {
            java.nio.file.Path file = request.data().get();
            try {
                t = encode(java.nio.file.Files.readString(file), file.toString());
            } catch (java.io.IOException e) {
                throw new PluginException(PluginProvider.ID, "cannot read " + file + " as UTF-8 text: " + e);
            }
            if (t.length < 2) {
                throw new PluginException(PluginProvider.ID, file + " holds fewer than 2 characters to score");
            }
            from = 0;
        } else {
            t = tokens();
            from = trainEnd();
        }
        double nll = 0;
        int n = 0;
        for (int i = from; i + 1 < t.length; i++, n++) {
            nll -= Math.log(probability(t[i], t[i + 1]));
        }
        return Map.of(LOSS, nll / Math.max(1, n));
    }

    @Override
    public void save(OutputStream out) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeLong(MAGIC);
            d.writeInt(FORMAT);
            d.writeInt(vocabulary.length);
            for (int cp : vocabulary) {
                d.writeInt(cp);
            }
            d.writeLong(step);
            d.writeInt(position);
            for (int a = 0; a < vocabulary.length; a++) {
                for (int b = 0; b < vocabulary.length; b++) {
                    d.writeLong(pairs[a][b]);
                }
            }
            d.writeInt(END);
            d.flush();
        } catch (IOException e) {
            throw new CheckpointException(PluginProvider.ID, "cannot write the model: " + e.getMessage(), e);
        }
    }

    static PluginModel read(DataInputStream d, Supplier<String> text, Config config) throws IOException {
        if (d.readLong() != MAGIC) {
            throw new CheckpointException(PluginProvider.ID, "the payload is not a " + PluginProvider.ID + " checkpoint");
        }
        int format = d.readInt();
        if (format != FORMAT) {
            throw new CheckpointException(PluginProvider.ID, "payload format " + format + " is not supported; this version"
                    + " reads format " + FORMAT);
        }
        int size = d.readInt();
        if (size < 1 || size > 1 << 16) {
            throw new CheckpointException(PluginProvider.ID, "the payload's vocabulary size " + size + " is corrupt");
        }
        int[] vocabulary = new int[size];
        for (int i = 0; i < size; i++) {
            vocabulary[i] = d.readInt();
        }
        PluginModel m = new PluginModel(vocabulary, text, config);
        m.step = d.readLong();
        m.position = d.readInt();
        for (int a = 0; a < size; a++) {
            for (int b = 0; b < size; b++) {
                m.pairs[a][b] = d.readLong();
                m.rows[a] += m.pairs[a][b];
            }
        }
        if (d.readInt() != END) {
            throw new CheckpointException(PluginProvider.ID, "the payload does not end where it should; it is corrupt");
        }
        return m;
    }

    @Override
    public long step() {
        return step;
    }
}

#if( $modality == "image" )
package ${package};

import com.typesafe.config.Config;
import dev.nova.api.CheckpointException;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.InvalidOptionException;
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
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A grey-scale image model of independent pixels: pixel i is "on" with probability sigmoid(logit[i]), trained by
 * gradient descent on the binary cross-entropy of the training images (pixel values in [0,1] as targets). Each step
 * takes the next {@code train.batch} training images (cycling through them) and reports their mean loss in nats per
 * image before updating. Replace it with your model; keep what the launcher relies on: one StepEvent per step,
 * cancellation checked every step, the same samples for the same seed, and a payload that restores the model
 * exactly (parameters, step, data position).
 */
final class PluginModel implements GenerativeModel {

    /** Identifies this plugin's payloads; pick your own, and raise FORMAT when the layout changes. */
    static final long MAGIC = 0x4e4f56415f504958L;
    static final int FORMAT = 1;
    private static final int END = 0x454e4421;

    private final int size;
    private final double[] logits;
    private final Images data;
    private final Config config;
    private long step;
    private int position;

    PluginModel(Images data, Config config) {
        this.size = config.getInt("data.image-size");
        this.logits = new double[size * size];
        this.data = data;
        this.config = config;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Binary cross-entropy of one image against the model, in nats. */
    private double loss(float[] pixels, int offset) {
        double nll = 0;
        for (int i = 0; i < logits.length; i++) {
            double p = Math.min(1 - 1e-7, Math.max(1e-7, sigmoid(logits[i])));
            double x = pixels[offset + i];
            nll -= x * Math.log(p) + (1 - x) * Math.log(1 - p);
        }
        return nll;
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        Images train = data.training();
        int batch = config.getInt("train.batch");
        double rate = config.getDouble("train.learning-rate");
        double[] grad = new double[logits.length];
        for (long done = 0; done < request.steps(); done++) {
            if (request.cancellation().isCancelled()) {
                return new TrainingResult(done, true);
            }
            java.util.Arrays.fill(grad, 0);
            double nll = 0;
            for (int k = 0; k < batch; k++) {
                int offset = (position % train.count()) * logits.length;
                nll += loss(train.pixels(), offset);
                for (int i = 0; i < logits.length; i++) {
                    grad[i] += sigmoid(logits[i]) - train.pixels()[offset + i];
                }
                position = (position + 1) % train.count();
            }
            for (int i = 0; i < logits.length; i++) {
                logits[i] -= rate * grad[i] / batch;
            }
            step++;
            listener.onStep(new StepEvent(step, nll / batch, batch, Map.of()));
        }
        return new TrainingResult(request.steps(), false);
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        for (String key : request.options().keySet()) {
            if (!key.equals(GenerationRequest.TEMPERATURE)) {
                throw new InvalidOptionException(PluginProvider.ID, key, "unknown option '" + key + "'; known: "
                        + GenerationRequest.TEMPERATURE);
            }
        }
        double temperature = config.getDouble("generate.temperature");
        Object t = request.options().get(GenerationRequest.TEMPERATURE);
        if (t != null) {
            try {
                temperature = t instanceof Number n ? n.doubleValue() : Double.parseDouble(t.toString().trim());
            } catch (NumberFormatException e) {
                temperature = Double.NaN;
            }
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new InvalidOptionException(PluginProvider.ID, GenerationRequest.TEMPERATURE,
                    "option temperature must be a number > 0, found " + t);
        }
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < request.count(); s++) {
            // One generator per sample, its seed mixed (SplitMix64's finaliser): java.util.Random's first draws
            // barely differ between neighbouring seeds, and each sample must be a draw of its own.
            Random random = new Random(mix(request.seed() * 0x9E3779B97F4A7C15L + s));
            float[] pixels = new float[logits.length];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = random.nextDouble() < sigmoid(logits[i] / temperature) ? 1f : 0f;
            }
            samples.add(new Sample.Image(size, size, pixels));
        }
        return samples;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        if (!request.options().isEmpty()) {
            String key = request.options().keySet().iterator().next();
            throw new InvalidOptionException(PluginProvider.ID, key, "unknown option '" + key + "'; this plugin takes none");
        }
        // The held-out images, or the folder the user names (nova evaluate --data DIR: the path arrives absolute).
        Images set = request.data().isPresent() ? Images.read(request.data().get(), size) : data.heldOut();
        double nll = 0;
        for (int k = 0; k < set.count(); k++) {
            nll += loss(set.pixels(), k * logits.length);
        }
        return Map.of(LOSS, nll / set.count());
    }

    @Override
    public void save(OutputStream out) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeLong(MAGIC);
            d.writeInt(FORMAT);
            d.writeInt(size);
            d.writeLong(step);
            d.writeInt(position);
            for (double l : logits) {
                d.writeDouble(l);
            }
            d.writeInt(END);
            d.flush();
        } catch (IOException e) {
            throw new CheckpointException(PluginProvider.ID, "cannot write the model: " + e.getMessage(), e);
        }
    }

    static PluginModel read(DataInputStream d, Images data, Config config) throws IOException {
        if (d.readLong() != MAGIC) {
            throw new CheckpointException(PluginProvider.ID, "the payload is not a " + PluginProvider.ID + " checkpoint");
        }
        int format = d.readInt();
        if (format != FORMAT) {
            throw new CheckpointException(PluginProvider.ID, "payload format " + format + " is not supported; this version"
                    + " reads format " + FORMAT);
        }
        int size = d.readInt();
        if (size != config.getInt("data.image-size")) {
            throw new CheckpointException(PluginProvider.ID, "the checkpoint holds a model of " + size + " x " + size
                    + " images; the configuration asks for data.image-size = " + config.getInt("data.image-size"));
        }
        PluginModel m = new PluginModel(data, config);
        m.step = d.readLong();
        m.position = d.readInt();
        for (int i = 0; i < m.logits.length; i++) {
            m.logits[i] = d.readDouble();
            if (!Double.isFinite(m.logits[i])) {
                throw new CheckpointException(PluginProvider.ID, "the payload holds a parameter that is not finite");
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

    /**
     * Grey-scale images of one size, pixel values in [0,1]: the training data and its held-out tail. Read from a
     * folder of PNG/JPEG files (searched recursively, in name order, each resized to the model's size), or drawn
     * as the built-in synthetic shapes.
     *
     * @param count how many
     * @param size width and height
     * @param pixels {@code count × size × size} values, image after image
     * @param holdout the held-out fraction (the tail)
     */
    record Images(int count, int size, float[] pixels, double holdout) {

        private int split() {
            return Math.max(1, Math.min(count - 1, (int) Math.round(count * (1 - holdout))));
        }

        Images training() {
            return slice(0, split());
        }

        Images heldOut() {
            return slice(split(), count);
        }

        private Images slice(int from, int to) {
            return new Images(to - from, size, java.util.Arrays.copyOfRange(pixels, from * size * size, to * size * size),
                    holdout);
        }

        /** The images of a folder, resized to {@code size}; at least 2. */
        static Images read(java.nio.file.Path folder, int size) {
            List<java.nio.file.Path> files;
            try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(folder)) {
                files = s.filter(java.nio.file.Files::isRegularFile).filter(f -> f.getFileName().toString()
                        .toLowerCase(java.util.Locale.ROOT).matches(".*\\.(png|jpe?g)")).sorted().toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new dev.nova.api.PluginException(PluginProvider.ID, "cannot list images in " + folder + ": " + e);
            }
            if (files.size() < 2) {
                throw new dev.nova.api.PluginException(PluginProvider.ID, folder + " holds " + files.size()
                        + " PNG/JPEG images; at least 2 are needed");
            }
            float[] pixels = new float[files.size() * size * size];
            for (int k = 0; k < files.size(); k++) {
                java.awt.image.BufferedImage img;
                try {
                    img = javax.imageio.ImageIO.read(files.get(k).toFile());
                } catch (IOException e) {
                    img = null;
                }
                if (img == null) {
                    throw new dev.nova.api.PluginException(PluginProvider.ID, files.get(k) + " is not a readable image");
                }
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int rgb = img.getRGB(x * img.getWidth() / size, y * img.getHeight() / size);
                        int grey = (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3;
                        pixels[(k * size + y) * size + x] = grey / 255f;
                    }
                }
            }
            return new Images(files.size(), size, pixels, 0.1);
        }

        /** 400 synthetic images: a filled square or disc of random size and place, the same every time. */
        static Images builtin(int size, double holdout) {
            int n = 400;
            float[] pixels = new float[n * size * size];
            Random r = new Random(20261202);
            for (int k = 0; k < n; k++) {
                int side = size / 4 + r.nextInt(size / 2);
                int x0 = r.nextInt(size - side + 1);
                int y0 = r.nextInt(size - side + 1);
                boolean disc = r.nextBoolean();
                double c = (side - 1) / 2.0;
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        if (!disc || (x - c) * (x - c) + (y - c) * (y - c) <= c * c + 0.5) {
                            pixels[(k * size + y0 + y) * size + x0 + x] = 1f;
                        }
                    }
                }
            }
            return new Images(n, size, pixels, holdout);
        }
    }
}
#else
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
#end

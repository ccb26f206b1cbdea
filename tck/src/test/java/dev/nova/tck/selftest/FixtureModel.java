package dev.nova.tck.selftest;

import com.typesafe.config.Config;
import dev.nova.api.CheckpointException;
import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.Modality;
import dev.nova.api.PluginException;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.api.Tuning;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The fixture model: bigram logits (text: next character given the previous one; audio: next level given the
 * previous one, see {@link FixtureAudio}) or per-pixel logits (image), fitted to fixed data by gradient descent.
 */
final class FixtureModel implements GenerativeModel {

    static final String VOCABULARY = "abcde ";
    static final String TEXT = "abba cab dead bead ace babe aabb eeee ";
    static final int SIDE = 4;
    /** The image model's classes: it is conditional on them (a class shifts every pixel by its row of logits). */
    static final List<String> CLASSES = List.of("dark", "light");
    /** The image model's pixel logits; its class rows follow them. */
    private static final int PIXELS = SIDE * SIDE;
    /** Real images per split of the image model's reference data. */
    private static final int REFERENCE_IMAGES = 8;
    private static final int MAGIC = 0x54434b31;

    private final String id;
    private final String exceptionId;
    private final int hidden;
    private final Modality modality;
    private final Flaw flaw;
    private final int batch;
    private final double lr;
    /** The optimiser's schedule: gradient clipping by global norm, linear warm-up and decay (0: off). */
    private final double clip;
    private final long warmup;
    private final long decay;
    private final double[] logits;
    /** The characters the text model knows (the default's, grown by a fine-tuning run's corpus), in token order. */
    private final String vocabulary;
    /** The image model's classes (the default's, grown by a fine-tuning run's class folders), in label order. */
    private final List<String> classes;
    /** The training text. */
    private final String text;
    private boolean frozen;
    /** The optimiser's momentum (0: plain gradient descent, no state) and its velocity, the optimiser's state. */
    private final double momentum;
    private double[] velocity;
    /** Set while {@link #save(OutputStream, OutputStream)} writes the velocity apart from the payload. */
    private boolean velocityApart;
    private long step;
    private long position;

    private int generations;
    /**
     * SCHEDULE_RESTARTS_ON_RESTORE: the step the learning-rate schedule counts from, the restore's (a counter of the
     * schedule's own that the payload does not hold); 0 otherwise.
     */
    private long scheduleFrom;
    /** TUNING_VALUES_NOT_A_COPY: the last values handed out, and the step they were made at. */
    private float[] valuesCache;
    private long valuesStep = -1;
    /** REFERENCE_DRAW_VARIES: one generator for every draw of reference images. */
    private final Random referenceDraws = new Random(5);
    private Thread leaked;
    /** The context's work directory (STATE_IN_WORK_DIRECTORY keeps its weights there). */
    Path workDirectory;

    /** STATIC_STEP_CACHE: the last step's loss and gradient, shared by every model of the JVM. */
    private static long cachedStep = -1;
    private static double cachedLoss;
    private static double[] cachedGrad;

    FixtureModel(String id, String exceptionId, Modality modality, Flaw flaw, Config config, long seed) {
        this(id, exceptionId, modality, flaw, config, seed,
                modality == Modality.AUDIO ? FixtureAudio.LEVELS : VOCABULARY);
    }

    FixtureModel(String id, String exceptionId, Modality modality, Flaw flaw, Config config, long seed, String known) {
        this(id, exceptionId, modality, flaw, config, seed, known, CLASSES);
    }

    FixtureModel(String id, String exceptionId, Modality modality, Flaw flaw, Config config, long seed, String known,
                 List<String> knownClasses) {
        this.id = id;
        this.exceptionId = exceptionId;
        this.hidden = config.getInt("hidden");
        if (flaw == Flaw.LEAKS_THREAD) {
            leaked = new Thread(() -> {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException ignored) {
                    // the model would stop it here if it stopped it at all
                }
            }, "fixture-leaked-worker");
            leaked.start();
        }
        this.modality = modality;
        this.flaw = flaw;
        this.batch = config.getInt("batch");
        this.lr = flaw == Flaw.LOSS_DOES_NOT_FALL ? 0.0 : config.getDouble("learning-rate");
        this.clip = config.hasPath("gradient-clip") ? config.getDouble("gradient-clip") : 0;
        this.warmup = config.hasPath("warmup-steps") ? config.getLong("warmup-steps") : 0;
        this.decay = config.hasPath("decay-steps") ? config.getLong("decay-steps") : 0;
        this.text = modality == Modality.AUDIO ? FixtureAudio.TONE : trainingText(exceptionId, config);
        StringBuilder v = new StringBuilder(known);
        text.chars().filter(c -> v.indexOf(String.valueOf((char) c)) < 0).forEach(c -> v.append((char) c));
        this.vocabulary = v.toString();
        this.classes = modality == Modality.IMAGE ? classes(exceptionId, flaw, config, knownClasses) : List.of();
        this.logits = new double[tokens() ? vocabulary.length() * vocabulary.length() : PIXELS + classes.size()];
        this.momentum = config.hasPath("momentum") ? config.getDouble("momentum") : 0;
        this.velocity = new double[logits.length];
        Random r = new Random(seed);
        for (int i = 0; i < (tokens() ? logits.length : PIXELS); i++) {
            logits[i] = (float) (r.nextGaussian() * 0.5);
        }
        for (int k = 0; k < classes.size(); k++) {
            logits[PIXELS + k] = 0.3 * k;                 // class k shifts every pixel by 0.3 k (0: none)
        }
        if (modality == Modality.AUDIO && config.hasPath("audio-folder") && !config.getString("audio-folder").isEmpty()
                && !Files.isDirectory(Path.of(config.getString("audio-folder")))) {
            throw new PluginException(exceptionId, "audio-folder " + config.getString("audio-folder")
                    + " is not a folder");
        }
    }

    /**
     * The known classes, then the class folders of {@code image-folder} they lack, in name order (CLASSES_SORTED_ON_GROWTH:
     * all of them sorted by name, so that new names move the known ones).
     */
    private static List<String> classes(String exceptionId, Flaw flaw, Config config, List<String> known) {
        List<String> all = new ArrayList<>(known);
        String folder = config.hasPath("image-folder") ? config.getString("image-folder") : "";
        if (!folder.isEmpty()) {
            try (java.util.stream.Stream<Path> sub = Files.list(Path.of(folder))) {
                sub.filter(Files::isDirectory).map(f -> f.getFileName().toString()).sorted()
                        .filter(c -> !all.contains(c)).forEach(all::add);
            } catch (IOException e) {
                throw new PluginException(exceptionId, "cannot read image-folder " + folder + ": " + e.getMessage());
            }
            if (flaw == Flaw.CLASSES_SORTED_ON_GROWTH) {
                java.util.Collections.sort(all);
            }
        }
        return List.copyOf(all);
    }

    /** Whether the model is a bigram over tokens: characters (text) or levels (audio). */
    private boolean tokens() {
        return modality != Modality.IMAGE;
    }

    /** The text of {@code text-file} when it is set, else the built-in text. */
    private static String trainingText(String exceptionId, Config config) {
        String file = config.hasPath("text-file") ? config.getString("text-file") : "";
        if (file.isEmpty()) {
            return TEXT;
        }
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new PluginException(exceptionId, "cannot read text-file " + file + ": " + e.getMessage());
        }
    }

    /**
     * A model that starts from this one's parameters (fine-tuning): its vocabulary grown by its corpus's characters,
     * the old rows where they were, at step 0.
     */
    FixtureModel fineTuned(Config config, long seed, java.util.function.Consumer<String> notices, boolean carry) {
        FixtureModel child = fineTunedParameters(config, seed, notices);
        // The optimiser's state comes along when asked for (FineTuneRequest.carryOptimizerState), for a parameter of
        // the parent's size (CARRY_IGNORED: never; CARRY_WHEN_OFF: always).
        boolean take = flaw == Flaw.CARRY_WHEN_OFF || carry && flaw != Flaw.CARRY_IGNORED;
        if (take && child.velocity.length == velocity.length) {
            child.velocity = velocity.clone();
        }
        return child;
    }

    private FixtureModel fineTunedParameters(Config config, long seed, java.util.function.Consumer<String> notices) {
        FixtureModel child = new FixtureModel(id, exceptionId, modality, flaw, config, seed,
                flaw == Flaw.VOCABULARY_SHRINKS_TO_DATA ? inText(vocabulary, trainingText(exceptionId, config))
                        : vocabulary,
                flaw == Flaw.CLASSES_SHRINK_TO_DATA ? inFolders(exceptionId, classes, config) : classes);
        child.workDirectory = workDirectory;
        boolean grew = child.vocabulary.length() > vocabulary.length() || child.classes.size() > classes.size();
        if (flaw == Flaw.FINE_TUNE_FORGETS_PARAMETERS || (grew && flaw == Flaw.GROWS_BY_REINITIALISING)) {
            return child;
        }
        if (flaw == Flaw.VOCABULARY_SHRINKS_TO_DATA && modality == Modality.TEXT) {
            int v = vocabulary.length();
            int w = child.vocabulary.length();
            for (int r = 0; r < w; r++) {                          // each character's row and column by character
                int pr = vocabulary.indexOf(child.vocabulary.charAt(r));
                for (int c = 0; c < w; c++) {
                    int pc = vocabulary.indexOf(child.vocabulary.charAt(c));
                    if (pr >= 0 && pc >= 0) {
                        child.logits[r * w + c] = logits[pr * v + pc];
                    }
                }
            }
            String added = child.vocabulary.chars().filter(c -> vocabulary.indexOf(c) < 0)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            if (!added.isEmpty()) {
                notices.accept("added " + added.length() + " characters to the vocabulary: " + added);
            }
            return child;
        }
        if (modality == Modality.TEXT) {
            int v = vocabulary.length();
            int w = child.vocabulary.length();
            for (int r = 0; r < v; r++) {
                for (int c = 0; c < v; c++) {
                    child.logits[r * w + c] = logits[r * v + c];
                }
            }
            if (grew && flaw != Flaw.GROWTH_UNANNOUNCED) {
                notices.accept("added " + (w - v) + " characters to the vocabulary: " + child.vocabulary.substring(v));
            }
        } else if (modality == Modality.IMAGE) {
            System.arraycopy(logits, 0, child.logits, 0, PIXELS);
            for (int k = 0; k < classes.size(); k++) {             // each class's row goes where its name is
                int to = child.classes.indexOf(classes.get(k));
                if (to >= 0) {                                     // (CLASSES_SHRINK_TO_DATA: a dropped class has none)
                    child.logits[PIXELS + to] = logits[PIXELS + k];
                }
            }
            if (grew && flaw != Flaw.GROWTH_UNANNOUNCED) {
                notices.accept("added " + (child.classes.size() - classes.size()) + " classes: " + String.join(", ",
                        child.classes.subList(classes.size(), child.classes.size())));
            }
        } else {
            System.arraycopy(logits, 0, child.logits, 0, logits.length);
        }
        return child;
    }

    /**
     * Open weights (rule 12.1), a family of the fixture's own in Hugging Face's layout: {@code model.safetensors}, one
     * F64 tensor of the logits (the model's own values: it computes in double), and {@code config.json} with the
     * vocabulary and the hidden size.
     */
    List<Path> exportTo(Path folder) {
        byte[] header = ("{\"logits\":{\"dtype\":\"F64\",\"shape\":[" + logits.length + "],\"data_offsets\":[0,"
                + 8L * logits.length + "]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length + 8 * logits.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (double l : logits) {
            b.putDouble(l);
        }
        try {
            Path weights = Files.write(folder.resolve("model.safetensors"), b.array());
            Path config = Files.writeString(folder.resolve("config.json"), com.typesafe.config.ConfigValueFactory
                    .fromMap(Map.of("vocabulary", vocabulary, "hidden", hidden))
                    .render(com.typesafe.config.ConfigRenderOptions.concise()));
            if (flaw == Flaw.EXPORT_LEAVES_PART_FILE) {
                Files.write(folder.resolve("model.safetensors.part"), b.array());
            }
            return List.of(weights, config);
        } catch (IOException e) {
            throw new PluginException(exceptionId, "cannot write " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The settings of a folder {@link #exportTo} wrote: its hidden size. */
    static Config importedSettings(String exceptionId, Path folder) {
        return readConfigJson(exceptionId, folder).withOnlyPath("hidden");
    }

    private static Config readConfigJson(String exceptionId, Path folder) {
        Path file = folder.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new PluginException(exceptionId, file + " not found: a fixture folder has config.json and"
                    + " model.safetensors");
        }
        try {
            return com.typesafe.config.ConfigFactory.parseFile(file.toFile());
        } catch (com.typesafe.config.ConfigException e) {
            throw new PluginException(exceptionId, file + ": " + e.getMessage(), e);
        }
    }

    /** A text model holding the weights of a folder {@link #exportTo} wrote, at step 0. */
    static FixtureModel imported(String id, String exceptionId, Flaw flaw, Config config, long seed, Path folder) {
        String vocabulary = readConfigJson(exceptionId, folder).getString("vocabulary");
        FixtureModel m = new FixtureModel(id, exceptionId, Modality.TEXT, flaw, config, seed, vocabulary);
        Path weights = folder.resolve("model.safetensors");
        java.nio.ByteBuffer b;
        try {
            b = java.nio.ByteBuffer.wrap(Files.readAllBytes(weights)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new PluginException(exceptionId, weights + ": " + e.getMessage(), e);
        }
        long header = b.remaining() >= 8 ? b.getLong() : -1;
        if (header < 0 || header > b.remaining()) {
            throw new PluginException(exceptionId, weights + ": not a safetensors file (header of " + header + " bytes)");
        }
        b.position(8 + (int) header);
        int n = m.logits.length;
        if (b.remaining() < 8L * n && flaw != Flaw.IMPORT_ACCEPTS_TRUNCATED) {
            throw new PluginException(exceptionId, weights + ": holds " + b.remaining() / 8 + " of the " + n
                    + " logits of tensor 'logits'");
        }
        int v = vocabulary.length();
        for (int i = 0; i < n; i++) {
            double x = b.remaining() >= 8 ? b.getDouble() : 0;
            int to = flaw == Flaw.IMPORT_TRANSPOSED ? (i % v) * v + i / v : i;
            m.logits[to] = x;
        }
        return m;
    }

    /** VOCABULARY_SHRINKS_TO_DATA: the characters of {@code known} that {@code text} has, in their order. */
    private static String inText(String known, String text) {
        StringBuilder kept = new StringBuilder();
        known.chars().filter(c -> text.indexOf(c) >= 0).forEach(c -> kept.append((char) c));
        return kept.toString();
    }

    /** CLASSES_SHRINK_TO_DATA: the classes of {@code known} that {@code image-folder} has folders of, when it is set. */
    private static List<String> inFolders(String exceptionId, List<String> known, Config config) {
        List<String> folders = classes(exceptionId, Flaw.NONE, config, List.of());
        return folders.isEmpty() ? known : known.stream().filter(folders::contains).toList();
    }

    /** The velocity's count and values; a count of 0 (plain gradient descent, or written apart) and none. */
    private void writeVelocity(DataOutputStream d, boolean apart) throws IOException {
        boolean written = momentum != 0 && !apart;
        d.writeInt(written ? velocity.length : 0);
        if (written) {
            for (double x : velocity) {
                d.writeDouble(x);
            }
        }
    }

    /** Reads what {@link #writeVelocity} wrote: a count of 0 leaves the velocity as it is. */
    void readVelocity(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != 0 && n != velocity.length) {
            throw new CheckpointException(exceptionId, "the optimiser state holds " + n + " values for "
                    + velocity.length + " logits");
        }
        for (int i = 0; i < n; i++) {
            velocity[i] = in.readDouble();
        }
    }

    static FixtureModel read(String id, String exceptionId, Modality modality, Flaw flaw, Config config,
                             DataInputStream in) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            if (flaw == Flaw.ACCEPTS_TRUNCATED_PAYLOAD) {
                return new FixtureModel(id, exceptionId, modality, flaw, config, 0);
            }
            throw e;
        }
        if (magic != MAGIC && flaw != Flaw.ACCEPTS_FOREIGN_PAYLOAD) {
            throw new CheckpointException(exceptionId, "payload is not a " + id + " checkpoint (magic "
                    + Integer.toHexString(magic) + ")");
        }
        FixtureModel m = new FixtureModel(id, exceptionId, modality, flaw, config, 0);
        try {
            int savedHidden = in.readInt();
            if (savedHidden == -2) {
                // grown classes: their names follow, then the hidden size
                List<String> known = new ArrayList<>();
                for (int k = in.readInt(); k > 0; k--) {
                    known.add(in.readUTF());
                }
                m = new FixtureModel(id, exceptionId, modality, flaw, config, 0, VOCABULARY, known);
                savedHidden = in.readInt();
            }
            if (savedHidden < 0) {
                // a grown vocabulary: its characters follow, then the hidden size
                String known = in.readUTF();
                m = new FixtureModel(id, exceptionId, modality, flaw, config, 0, known);
                savedHidden = in.readInt();
            }
            if (savedHidden != m.hidden && flaw != Flaw.IGNORES_SHAPE_ON_RESTORE && flaw != Flaw.ACCEPTS_FOREIGN_PAYLOAD) {
                throw new CheckpointException(exceptionId, "checkpoint holds a model with hidden " + savedHidden
                        + "; the configuration asks for hidden " + m.hidden);
            }
            m.step = in.readLong();
            m.position = in.readLong();
            if (flaw == Flaw.SCHEDULE_RESTARTS_ON_RESTORE) {
                m.scheduleFrom = m.step;
            }
            double[] saved = new double[m.logits.length];
            DataInputStream weights = in;
            if (flaw == Flaw.STATE_IN_WORK_DIRECTORY) {
                Path state = Path.of(in.readUTF());
                if (!Files.isRegularFile(state)) {
                    throw new CheckpointException(exceptionId, "the weights file " + state + " is missing");
                }
                weights = new DataInputStream(new java.io.ByteArrayInputStream(Files.readAllBytes(state)));
            }
            for (int i = 0; i < saved.length; i++) {
                saved[i] = weights.readDouble();
            }
            if (flaw != Flaw.SAVE_LOSES_STATE) {
                System.arraycopy(saved, 0, m.logits, 0, saved.length);
            }
            m.readVelocity(in);
            if (flaw == Flaw.FREEZE_SAVED) {
                m.frozen = in.readBoolean();
            }
        } catch (EOFException e) {
            if (flaw != Flaw.ACCEPTS_TRUNCATED_PAYLOAD && flaw != Flaw.ACCEPTS_FOREIGN_PAYLOAD) {
                throw e;
            }
        }
        return m;
    }

    private double target(int pixel) {
        return ((pixel / SIDE + pixel % SIDE) % 2 == 0) ? 0.9 : 0.1;
    }

    /** The next-character distribution after character index {@code prev}. */
    /**
     * The sampling options of the API: keep the {@code topK} most likely tokens (0: all), then the smallest set whose
     * probability reaches {@code topP}, or take the most likely token ({@code greedy}).
     */
    record Truncation(int topK, double topP, boolean greedy) {

        /** Draws a token from a distribution with the uniform {@code u}. */
        int draw(double[] p, double u) {
            Integer[] order = new Integer[p.length];
            for (int i = 0; i < p.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            if (greedy) {
                return order[0];
            }
            int keep = topK > 0 ? Math.min(topK, p.length) : p.length;
            double mass = 0;
            int kept = 0;
            while (kept < keep && (kept == 0 || mass < topP)) {
                mass += p[order[kept++]];
            }
            double acc = 0;
            for (int k = 0; k < kept; k++) {
                acc += p[order[k]] / mass;
                if (u < acc) {
                    return order[k];
                }
            }
            return order[kept - 1];
        }
    }

    private Truncation truncation(GenerationRequest request, int tokens) {
        int topK = request.option(GenerationRequest.TOP_K, Integer.class).orElse(0);
        java.util.Optional<Double> givenTopP = request.option(GenerationRequest.TOP_P, Double.class);
        double topP = givenTopP.orElse(1.0);
        boolean greedy = request.option(GenerationRequest.GREEDY, Boolean.class).orElse(false);
        if (topK < 0 || flaw == Flaw.TOP_K_ABOVE_TOKENS_REFUSED && topK > tokens) {
            throw new InvalidOptionException(exceptionId, GenerationRequest.TOP_K, "option top-k must be in [0, "
                    + (flaw == Flaw.TOP_K_ABOVE_TOKENS_REFUSED ? tokens + "]" : "inf)") + ", found " + topK);
        }
        if (givenTopP.isPresent() && !(topP > 0 && (topP <= 1 && flaw != Flaw.TOP_P_ONE_REFUSED || topP < 1))) {
            throw new InvalidOptionException(exceptionId, GenerationRequest.TOP_P, "option top-p must be in (0, 1"
                    + (flaw == Flaw.TOP_P_ONE_REFUSED ? ")" : "]") + ", found " + topP);
        }
        return new Truncation(flaw == Flaw.TOP_K_ONE_IGNORED ? 0 : topK, topP, greedy);
    }

    private double[] softmax(int prev, double temperature) {
        int v = vocabulary.length();
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, logits[prev * v + i] / temperature);
        }
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[prev * v + i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private double stepOnce() {
        if (flaw == Flaw.STATIC_STEP_CACHE) {
            synchronized (FixtureModel.class) {
                if (cachedStep == step && cachedGrad != null && cachedGrad.length == logits.length) {
                    position += tokens() ? batch : 1;
                    update(cachedGrad.clone(), step - scheduleFrom, true);
                    return cachedLoss;
                }
            }
        }
        double[] grad = new double[logits.length];
        double loss = 0;
        if (tokens()) {
            int v = vocabulary.length();
            int used = batch;
            if (flaw == Flaw.THREAD_SLICES_DROP_REMAINDER && java.util.concurrent.ForkJoinTask.inForkJoinPool()) {
                int threads = java.util.concurrent.ForkJoinTask.getPool().getParallelism();
                used = batch / threads * threads;
            }
            String omp = flaw == Flaw.NATIVE_THREAD_SLICES_DROP_REMAINDER ? System.getenv("OMP_NUM_THREADS") : null;
            if (omp != null && !omp.isBlank()) {       // one slice per native thread, the remainder dropped
                int threads = Integer.parseInt(omp.strip());
                used = batch / threads * threads;
            }
            for (int b = 0; b < used; b++) {
                int prev = vocabulary.indexOf(text.charAt((int) (position % text.length())));
                int c = vocabulary.indexOf(text.charAt((int) ((position + 1) % text.length())));
                position++;
                double[] p = softmax(prev, 1);
                loss -= Math.log(p[c]);
                for (int i = 0; i < v; i++) {
                    grad[prev * v + i] += p[i] - (i == c ? 1 : 0);
                }
            }
            loss /= used;
            for (int i = 0; i < grad.length; i++) {
                grad[i] /= used;
            }
        } else {
            for (int i = 0; i < PIXELS; i++) {
                double p = sigmoid(logits[i]);
                double t = target(i);
                loss -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
                grad[i] = p - t;
            }
            position++;
        }
        if (flaw == Flaw.STATIC_STEP_CACHE) {
            synchronized (FixtureModel.class) {
                cachedStep = step;
                cachedLoss = loss;
                cachedGrad = grad.clone();
            }
        }
        update(grad, step - scheduleFrom, true);
        return loss;
    }

    /**
     * The optimiser: gradient descent at step {@code s}'s rate, after clipping the gradient to {@code clip} (global
     * norm); the rate warms up linearly over {@code warmup} steps and decays linearly to a tenth over {@code decay}.
     */
    private void update(double[] grad, long s, boolean schedule) {
        if (frozen && flaw != Flaw.FROZEN_PARAMETERS_MOVE) {
            return;
        }
        double rate = lr;
        double scale = 1;
        if (schedule) {
            if (warmup > 0) {
                rate *= Math.min(1.0, (s + 1) / (double) warmup);
            }
            if (decay > 0) {
                rate *= Math.max(0.1, 1 - s / (double) decay);
            }
            if (clip > 0) {
                double norm = 0;
                for (double g : grad) {
                    norm += g * g;
                }
                norm = Math.sqrt(norm);
                scale = norm > clip ? clip / norm : 1;
            }
        }
        if (momentum == 0) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (logits[i] - rate * scale * grad[i]);
            }
            return;
        }
        for (int i = 0; i < logits.length; i++) {
            velocity[i] = momentum * velocity[i] + rate * scale * grad[i];
            logits[i] = (float) (logits[i] - velocity[i]);
        }
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        long done = 0;
        while (done < request.steps()) {
            if (request.cancellation().isCancelled() && flaw != Flaw.IGNORES_CANCELLATION) {
                return new TrainingResult(done, true);
            }
            if (flaw == Flaw.IGNORES_CANCELLATION && request.steps() > 1000) {
                if (done >= 20_000) {
                    break;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            double loss = stepOnce();
            step++;
            done++;
            if (flaw == Flaw.LOSS_BECOMES_NAN && step >= 3) {
                loss = Double.NaN;
            }
            if (flaw != Flaw.SKIPS_PROGRESS_EVENTS || step % 2 == 0) {
                listener.onStep(StepEvent.of(flaw == Flaw.EVENTS_RESTART ? done : step, loss,
                        tokens() ? batch : 1));
            }
        }
        return new TrainingResult(done, request.cancellation().isCancelled());
    }

    @Override
    @SuppressWarnings("deprecation")  // the IllegalArgumentException of GenerationRequest.option is the THROWS_UNDOCUMENTED_EXCEPTION flaw
    public List<Sample> generate(GenerationRequest request) {
        double temperature;
        String prompt;
        int length;
        int label;
        Truncation truncation;
        try {
            truncation = truncation(request, modality == Modality.AUDIO ? FixtureAudio.LEVELS.length()
                    : vocabulary.length());
            temperature = request.option(GenerationRequest.TEMPERATURE, Double.class).orElse(1.0);
            prompt = request.option(GenerationRequest.PROMPT, String.class).orElse("");
            length = request.option(GenerationRequest.LENGTH, Integer.class).orElse(12);
            label = label(request);
        } catch (IllegalArgumentException e) {
            if (flaw == Flaw.THROWS_UNDOCUMENTED_EXCEPTION) {
                throw e;
            }
            throw new PluginException(exceptionId, e.getMessage(), e);
        }
        if (temperature <= 0) {
            if (flaw != Flaw.ACCEPTS_INVALID_OPTION) {
                throw new InvalidOptionException(exceptionId, GenerationRequest.TEMPERATURE,
                        "option temperature must be > 0, found " + temperature);
            }
            temperature = 1.0;
        }
        if (flaw == Flaw.IGNORES_TEMPERATURE) {
            temperature = 1.0;
        }
        if (flaw != Flaw.ACCEPTS_UNKNOWN_PROMPT) {
            for (int k = 0; k < prompt.length(); k++) {
                if (vocabulary.indexOf(prompt.charAt(k)) < 0) {
                    throw new InvalidOptionException(exceptionId, GenerationRequest.PROMPT, "the prompt holds '"
                            + prompt.charAt(k) + "', which is not in the vocabulary \"" + vocabulary + "\"");
                }
            }
        }
        if (flaw == Flaw.WRONG_LENGTH || flaw == Flaw.LENGTH_ZERO_GIVES_ONE && length == 0) {
            length++;
        }
        if (flaw == Flaw.GENERATION_ADVANCES_TRAINING) {
            position += 3;
        }
        if (flaw == Flaw.PRINTS_TO_STDOUT) {
            System.out.println("fixture: generating " + request.count() + " samples");
        }
        if (flaw == Flaw.WRITES_TO_HOME || flaw == Flaw.WRITES_TO_WORKING_DIRECTORY) {
            Path cache = flaw == Flaw.WRITES_TO_HOME ? Path.of(System.getProperty("user.home"), ".fixture-cache")
                    : Path.of("fixture-cache-" + ProcessHandle.current().pid() + ".bin");
            try {
                Files.writeString(cache, "cache");
                Files.deleteIfExists(cache);            // no litter outside the kit's root; the write itself is the defect
            } catch (IOException e) {
                throw new PluginException(exceptionId, "cannot write " + cache, e);
            }
        }
        long seed = flaw == Flaw.IGNORES_SEED ? 0 : flaw == Flaw.SHARED_RANDOM ? request.seed() + generations++ : request.seed();
        int count = flaw == Flaw.ONE_SAMPLE_SHORT ? request.count() - 1
                : flaw == Flaw.CAPS_COUNT_AT_FOUR ? Math.min(4, request.count()) : request.count();
        if (modality == Modality.AUDIO) {
            return FixtureAudio.generate(exceptionId, flaw, request, seed, count, temperature, this::softmax, truncation);
        }
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            Random r = new Random(flaw == Flaw.SAME_DRAW_PER_SAMPLE ? seed * 1_000_003L : seed * 1_000_003L + s);
            if (modality == Modality.TEXT) {
                StringBuilder b = flaw == Flaw.RACY_SCRATCH ? scratch : new StringBuilder();
                b.setLength(0);
                b.append(flaw == Flaw.DROPS_PROMPT ? "" : prompt);
                if (flaw == Flaw.STREAMS_EXTRA_TEXT) {
                    request.listener().onText(s, "[sample " + s + "] ");
                }
                int prev = prompt.isEmpty() ? vocabulary.indexOf(' ') : Math.max(0, vocabulary.indexOf(prompt.charAt(prompt.length() - 1)));
                for (int k = 0; k < length; k++) {
                    int i = truncation.draw(softmax(prev, temperature), r.nextDouble());
                    prev = i;
                    char c = flaw == Flaw.TOKENS_OUTSIDE_VOCABULARY && k == length - 1 ? '#' : vocabulary.charAt(i);
                    b.append(c);
                    request.listener().onText(s, String.valueOf(c));
                }
                out.add(new Sample.Text(b.toString()));
            } else {
                float[] px = new float[PIXELS];
                for (int i = 0; i < px.length; i++) {
                    double v = sigmoid(logits[i]) + 0.05 * temperature * r.nextGaussian()
                            + (label > 0 && flaw != Flaw.LABEL_IGNORED ? logits[PIXELS + label] : 0);
                    px[i] = (float) (flaw == Flaw.PIXELS_OUT_OF_RANGE ? v + 0.5 : Math.max(0, Math.min(1, v)));
                }
                out.add(new Sample.Image(SIDE, SIDE, px));
            }
        }
        return out;
    }

    /**
     * The class a request asks for, by index or name; -1 for none. The image model is conditional on
     * {@link #CLASSES}; the text model is not and refuses a label; the audio model reads it as an index and ignores it.
     */
    @SuppressWarnings("deprecation")  // the audio model's reading, as before: a wrongly typed label is the IllegalArgumentException above
    private int label(GenerationRequest request) {
        Object v = request.options().get(GenerationRequest.LABEL);
        if (v == null) {
            return -1;
        }
        if (modality == Modality.AUDIO) {
            request.option(GenerationRequest.LABEL, Integer.class);
            return -1;
        }
        if (modality == Modality.TEXT) {
            throw new InvalidOptionException(exceptionId, GenerationRequest.LABEL, "option label: the model is not"
                    + " conditional, found " + v);
        }
        // LABEL_REFUSAL_NAMES_CLASS: the plugin's own name for the option, as a plugin that renames label would.
        String key = flaw == Flaw.LABEL_REFUSAL_NAMES_CLASS ? "class" : GenerationRequest.LABEL;
        int index;
        if (v instanceof String name) {
            index = classes.indexOf(name);
        } else if (v instanceof Integer i) {
            index = i;
        } else {
            throw new InvalidOptionException(exceptionId, key, "option " + key + " must be a class index or name, found "
                    + v);
        }
        if (index < 0 || index >= classes.size()) {
            if (flaw == Flaw.LABEL_PAST_LAST_ACCEPTED && v instanceof Integer) {
                return Math.max(0, Math.min(classes.size() - 1, index));
            }
            throw new InvalidOptionException(exceptionId, key, "option " + key + " must be 0 to " + (classes.size() - 1)
                    + " or one of " + classes + ", found " + v);
        }
        return index;
    }

    /** The text model batches its requests (rule 7.2). */
    @Override
    public Optional<dev.nova.api.Batching> batching() {
        return modality == Modality.TEXT ? Optional.of(new FixtureBatching(exceptionId, this, flaw)) : Optional.empty();
    }

    /** The text model's tokens: its characters, in vocabulary order. */
    @Override
    public Optional<dev.nova.api.TextTokens> textTokens() {
        if (modality != Modality.TEXT) {
            return Optional.empty();
        }
        return Optional.of(new dev.nova.api.TextTokens() {
            @Override
            public String kind() {
                return "chars";
            }

            @Override
            public int size() {
                return vocabulary.length();
            }

            @Override
            public int[] encode(String text) {
                java.util.stream.IntStream.Builder out = java.util.stream.IntStream.builder();
                for (int i = 0; i < text.length(); i++) {
                    int id = vocabulary.indexOf(text.charAt(i));
                    if (id < 0) {
                        // ENCODE_DROPS_UNKNOWN: a character the model lacks is left out, as a lenient tokenizer does.
                        if (flaw == Flaw.ENCODE_DROPS_UNKNOWN) {
                            continue;
                        }
                        throw new PluginException(exceptionId, "the text holds '" + text.charAt(i) + "', which is not"
                                + " in the vocabulary \"" + vocabulary + "\"");
                    }
                    out.add(id);
                }
                return out.build().toArray();
            }

            @Override
            public String decode(int[] tokens) {
                StringBuilder b = new StringBuilder();
                for (int t : tokens) {
                    if (t < 0 || t >= vocabulary.length()) {
                        // DECODE_OUT_OF_RANGE_UNCHECKED: an unknown token shown as the replacement character.
                        if (flaw == Flaw.DECODE_OUT_OF_RANGE_UNCHECKED) {
                            b.append('\ufffd');
                            continue;
                        }
                        throw new PluginException(exceptionId, "token " + t + " is not in [0, " + vocabulary.length()
                                + ")");
                    }
                    b.append(vocabulary.charAt(t));
                }
                return b.toString();
            }
        });
    }

    /**
     * The text model's data and the image model's real images (each a noisy copy of the training target, shifted by
     * its class), drawn without replacement by the seed; none for audio.
     */
    @Override
    public Optional<ReferenceData> referenceData() {
        if (modality == Modality.AUDIO) {
            return Optional.empty();
        }
        return Optional.of(new ReferenceData() {
            @Override
            public Optional<String> text(Split split) {
                if (modality != Modality.TEXT) {
                    return Optional.empty();
                }
                // REFERENCE_TEXT_NOT_AS_READ: the raw file's case, where the model reads lower case.
                return Optional.of(flaw == Flaw.REFERENCE_TEXT_NOT_AS_READ ? text.toUpperCase(java.util.Locale.ROOT)
                        : text);
            }

            @Override
            public List<LabelledImage> images(Split split, int count, long seed) {
                if (modality != Modality.IMAGE) {
                    return List.of();
                }
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < REFERENCE_IMAGES; i++) {
                    order.add(i);
                }
                // REFERENCE_DRAW_VARIES: the draw takes a generator shared across calls instead of the seed alone.
                java.util.Collections.shuffle(order, flaw == Flaw.REFERENCE_DRAW_VARIES ? referenceDraws
                        : new Random(seed * 31 + split.ordinal()));
                int side = flaw == Flaw.REFERENCE_IMAGES_OTHER_SIZE ? SIDE * 2 : SIDE;
                List<LabelledImage> out = new ArrayList<>();
                for (int i : order.subList(0, Math.min(count, REFERENCE_IMAGES))) {
                    Random r = new Random(i * 7919L + split.ordinal());
                    int label = i % classes.size();
                    float[] px = new float[side * side];
                    for (int k = 0; k < px.length; k++) {
                        double v = target(k % (SIDE * SIDE)) * 0.8 + 0.3 * label + 0.05 * r.nextGaussian();
                        px[k] = (float) Math.max(0, Math.min(1, v));
                    }
                    out.add(new LabelledImage(new Sample.Image(side, side, px), label));
                }
                return out;
            }

            @Override
            public List<String> classes() {
                return classes;
            }

            @Override
            public boolean conditional() {
                return modality == Modality.IMAGE;
            }

            @Override
            public String fingerprint() {
                return "fixture " + modality + " " + text.hashCode();
            }
        });
    }

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        double loss = 0;
        // The data given (a text file; an image folder, scored by its mean byte), unless the flaw ignores it.
        java.util.Optional<java.nio.file.Path> data = flaw == Flaw.EVAL_IGNORES_DATA ? java.util.Optional.empty()
                : request.data();
        if (modality == Modality.TEXT) {
            String text = this.text;
            if (data.isPresent()) {
                try {
                    text = java.nio.file.Files.readString(data.get());
                } catch (IOException e) {
                    throw new PluginException(exceptionId, "cannot read " + data.get() + ": " + e.getMessage());
                }
                if (text.length() < 2 || text.chars().anyMatch(c -> vocabulary.indexOf(c) < 0)) {
                    throw new PluginException(exceptionId, data.get() + " is shorter than 2 characters or holds"
                            + " characters outside the vocabulary");
                }
            }
            loss = bigramLoss(text);
        } else {
            if (modality == Modality.AUDIO) {
                loss = bigramLoss(text);
            } else {
                for (int i = 0; i < PIXELS; i++) {
                    double p = sigmoid(logits[i]);
                    loss -= target(i) * Math.log(p) + (1 - target(i)) * Math.log(1 - p);
                }
            }
            if (data.isPresent()) {
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(data.get())
                        .filter(java.nio.file.Files::isRegularFile)) {
                    long sum = 0;
                    long count = 0;
                    for (java.nio.file.Path f : files.sorted().toList()) {
                        for (byte b : java.nio.file.Files.readAllBytes(f)) {
                            sum += b & 0xff;
                            count++;
                        }
                    }
                    loss += count == 0 ? 0 : sum / (255.0 * count);
                } catch (IOException e) {
                    throw new PluginException(exceptionId, "cannot read " + data.get() + ": " + e.getMessage());
                }
            }
        }
        if (flaw == Flaw.NEGATIVE_LOSS) {
            loss = -loss;
        }
        if (flaw == Flaw.METRIC_IS_NAN) {
            return Map.of(LOSS, loss, "perplexity", Double.NaN);
        }
        return Map.of(LOSS, loss);
    }

    /** The mean negative log-likelihood of a text's (or a tone's) tokens, each after the one before. */
    private double bigramLoss(String text) {
        double loss = 0;
        for (int i = 0; i < text.length(); i++) {
            int prev = vocabulary.indexOf(text.charAt(i));
            int next = vocabulary.indexOf(text.charAt((i + 1) % text.length()));
            loss -= Math.log(softmax(prev, 1)[next]);
        }
        return loss / text.length();
    }

    @Override
    public void save(OutputStream payload, OutputStream trainingState) {
        if (flaw != Flaw.TWO_PARTS_LOSE_STATE) {
            // With momentum, the optimiser's state (the velocity) goes apart: generation reads the payload alone.
            velocityApart = momentum != 0;
            try {
                save(payload);
            } finally {
                velocityApart = false;
            }
            if (momentum != 0) {
                try {
                    DataOutputStream d = new DataOutputStream(trainingState);
                    writeVelocity(d, false);
                    d.flush();
                } catch (IOException e) {
                    throw new CheckpointException(exceptionId, "cannot write the training state: " + e.getMessage(), e);
                }
            }
            return;
        }
        long kept = position;
        position = 0;
        try {
            save(payload);
        } finally {
            position = kept;
        }
    }

    @Override
    public void save(OutputStream out) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(MAGIC);
            if (!vocabulary.equals(VOCABULARY) && modality == Modality.TEXT) {
                d.writeInt(-1);
                d.writeUTF(vocabulary);
            }
            if (modality == Modality.IMAGE && !classes.equals(CLASSES)) {
                d.writeInt(-2);
                d.writeInt(classes.size());
                for (String c : classes) {
                    d.writeUTF(c);
                }
            }
            d.writeInt(hidden);
            d.writeLong(step);
            if (flaw == Flaw.SAVE_CHANGES_STATE) {
                position = 0;           // "a checkpoint starts the data afresh": the saved and the restored model agree
            }
            d.writeLong(position);
            if (flaw == Flaw.STATE_IN_WORK_DIRECTORY) {
                Path state = workDirectory.resolve("weights-" + step + ".bin");
                try (DataOutputStream w = new DataOutputStream(Files.newOutputStream(state))) {
                    for (double l : logits) {
                        w.writeDouble(l);
                    }
                }
                d.writeUTF(state.toString());
            } else {
                for (double l : logits) {
                    d.writeDouble(l);
                }
            }
            writeVelocity(d, velocityApart);
            if (flaw == Flaw.FREEZE_SAVED) {
                d.writeBoolean(frozen);
            }
            d.flush();
        } catch (IOException e) {
            throw new CheckpointException(exceptionId, "cannot write payload: " + e.getMessage(), e);
        }
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public Optional<DataParallel> dataParallel() {
        return Optional.of(new Parallel());
    }

    /** Data-parallel training: item b of step s is text position s·batch + b (images: one item per step). */
    private final class Parallel implements DataParallel {

        @Override
        public int parameterCount() {
            return logits.length;
        }

        @Override
        public void readParameters(float[] target) {
            for (int i = 0; i < logits.length; i++) {
                target[i] = (float) logits[i];
            }
        }

        @Override
        public void writeParameters(float[] source) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = flaw == Flaw.DP_WRITE_SHIFTS && i % 2 == 0 ? (float) (source[i] + 1e-3) : source[i];
            }
        }

        @Override
        public int globalBatch(long s) {
            return tokens() ? batch : 1;
        }

        @Override
        public Map<String, Double> gradientSum(long s, int from, int to, float[] sum) {
            double loss = 0;
            double scale = flaw == Flaw.DP_SLICES_DO_NOT_ADD_UP ? 1.0 / (to - from) : 1.0;
            if (tokens()) {
                int v = vocabulary.length();
                for (int b = from; b < to; b++) {
                    long at = s * batch + b;
                    int prev = vocabulary.indexOf(text.charAt((int) (at % text.length())));
                    int c = vocabulary.indexOf(text.charAt((int) ((at + 1) % text.length())));
                    double[] p = softmax(prev, 1);
                    loss -= Math.log(p[c]);
                    for (int i = 0; i < v; i++) {
                        sum[prev * v + i] += (float) (scale * (p[i] - (i == c ? 1 : 0)));
                    }
                }
            } else {
                for (int i = 0; i < PIXELS; i++) {
                    double p = sigmoid(logits[i]);
                    double t = target(i);
                    loss -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
                    sum[i] += (float) (p - t);
                }
            }
            if (flaw == Flaw.DP_SUM_HAS_SIDE_EFFECT) {
                logits[0] = (float) (logits[0] + 0.01);
            }
            return Map.of(LOSS, loss, UNITS, (double) (tokens() ? to - from : 1));
        }

        @Override
        public Map<String, Double> applyUpdate(long s, float[] meanGradient, Map<String, Double> statistics) {
            if (s != step) {
                throw new PluginException(exceptionId, "an update for step " + s + " given to a model at step " + step);
            }
            double[] g = new double[meanGradient.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = flaw == Flaw.DP_UPDATE_DIFFERS ? 0.5 * meanGradient[i] : meanGradient[i];
            }
            // DP_IGNORES_SCHEDULE: the update path forgets the clipping, warm-up and decay that train applies
            update(g, s, flaw != Flaw.DP_IGNORES_SCHEDULE);
            step++;
            position += tokens() ? batch : 1;
            return Map.of();
        }
    }

    @Override
    public Optional<Tuning> tuning() {
        return Optional.of(new Tuning() {
            @Override
            public List<Parameter> parameters() {
                int v = vocabulary.length();
                return List.of(new Parameter("logits", tokens() ? new long[] {v, v} : new long[] {PIXELS + classes.size()}));
            }

            @Override
            public float[] values(String name) {
                check(name);
                // TUNING_VALUES_NOT_A_COPY: the values of a step made once and handed out as they are.
                if (flaw == Flaw.TUNING_VALUES_NOT_A_COPY && valuesStep == step && valuesCache != null) {
                    return valuesCache;
                }
                float[] out = new float[logits.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) logits[i];
                }
                if (flaw == Flaw.TUNING_VALUES_NOT_A_COPY) {
                    valuesStep = step;
                    valuesCache = out;
                }
                return out;
            }

            @Override
            public void freeze(java.util.Collection<String> names) {
                if (flaw != Flaw.FREEZE_UNKNOWN_IGNORED) {
                    names.forEach(this::check);
                }
                boolean any = names.stream().anyMatch("logits"::equals);
                // FREEZE_REPLACES: each call sets what is frozen instead of adding to it.
                frozen = flaw == Flaw.FREEZE_REPLACES ? any : frozen || any;
            }

            @Override
            public java.util.Set<String> frozen() {
                return frozen ? java.util.Set.of("logits") : java.util.Set.of();
            }

            private void check(String name) {
                if (!"logits".equals(name)) {
                    throw new PluginException(exceptionId, "no parameter " + name + "; the model has logits");
                }
            }
        });
    }

    /** RACY_SCRATCH: the one buffer every call builds its text in. */
    private final StringBuilder scratch = new StringBuilder();

    @Override
    public boolean isThreadSafe() {
        return true;
    }

    @Override
    public void close() {
        // a correct model would stop its threads here; LEAKS_THREAD's keeps running
    }
}

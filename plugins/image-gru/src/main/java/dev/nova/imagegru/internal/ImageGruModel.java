package dev.nova.imagegru.internal;

import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.kit.image.ImageData;
import dev.nova.kit.image.ImageEvaluation;
import dev.nova.kit.image.ImageInputs;
import dev.nova.kit.image.ImageSamples;
import dev.nova.kit.image.ImageSet;
import dev.nova.kit.image.ImageSource;
import dev.nova.kit.nn.Elbo;
import dev.nova.kit.nn.GaussianLatent;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Seeds;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Random;

/**
 * The image-gru model: trains on shuffled epochs of labelled images; generates images row by row for a class,
 * reconstructs and interpolates through the encoder (encoder mode), and measures how different the samples of one
 * class are next to real images of that class.
 */
public final class ImageGruModel implements TrainingCore.Holder {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = 0x4e4f5641_49475255L;
    /**
     * The payload format this version writes: 2, whose training draws each image's noise from the image's own
     * stream (so that data-parallel slices add up); format 1 (one stream per step) is still read, and such a run
     * continues with the format 2 draws.
     */
    public static final int PAYLOAD_FORMAT = 2;
    /** Every payload format this version reads. */
    public static final int[] PAYLOAD_FORMATS = {1, 2};

    /** Generation option: {@code prior} (default), {@code reconstruct} or {@code interpolate} (encoder mode). */
    public static final String MODE = "mode";
    /** Generation option: the class to draw (an index, or a class name); without it, one column per class. */
    public static final String CLASS = "class";
    /** Generation option: feed back {@code mean} pixel values or {@code bernoulli} draws. */
    public static final String ROWS = "rows";
    /** Generation option (interpolate): frames per strip. */
    public static final String STEPS = "steps";
    /** Evaluation option: importance samples of the IWAE bound. */
    public static final String IMPORTANCE_SAMPLES = ImageEvaluation.IMPORTANCE_SAMPLES;

    private static final List<String> OPTIONS = List.of(MODE, CLASS, GenerationRequest.LABEL, ROWS,
            GenerationRequest.TEMPERATURE,
            ImageInputs.INPUT, ImageInputs.FROM, ImageInputs.TO, STEPS);

    private final Settings settings;
    private final RowGruNetwork network;
    private final ImageSource data;
    private final List<String> classNames;
    private final TrainingCore training;

    /**
     * Creates a model with fresh weights (drawn from the context's seed) at step 0.
     *
     * @param settings the plugin's settings
     * @param context what the host handed the model
     * @param data the images (read already for a new model, on first use for a restored one)
     * @param classNames the classes it conditions on (empty when unconditional)
     */
    public ImageGruModel(Settings settings, ModelContext context, ImageSource data, List<String> classNames) {
        this.settings = settings;
        // The data's labels are numbered as the model's classes, by name (a fine-tuned model's may be more, in its
        // parent's order).
        this.data = settings.conditional() ? data.withClasses(classNames) : data;
        this.classNames = List.copyOf(classNames);
        this.network = new RowGruNetwork(settings.data().imageSize(), settings.conditional() ? classNames.size() : 0,
                settings.latent(), settings.hidden(), settings.layers(), settings.encoderMode(), settings.encoder(),
                settings.activation(), context.seed());
        this.training = new TrainingCore(ImageGru.ID, context.seed(), network.params(),
                new Adam(settings.train(), network.params()), s -> order().step(s).length,
                List.of("reconstruction", "kl", "kl-weight", "epoch"), this::slice)
                .declareFlops(network::trainingFlops);
    }

    /**
     * Where a parent's class rows go in this model's parameters: the state layer's input is the class code then the
     * latent, the encoder's first layer's input the pixels then the class code.
     *
     * @param classes where the parent's classes go
     * @return the growth with each parameter's class block
     */
    public dev.nova.kit.nn.Growth classGrowth(dev.nova.kit.nn.Growth classes) {
        return network.classGrowth(classes);
    }

    /** The class names the model conditions on (empty when unconditional). */
    public List<String> classNames() {
        return classNames;
    }

    // ---- training -------------------------------------------------------------------------------------------

    /** The epochs' shuffled order of the training images, drawn from the run's seed. */
    private dev.nova.kit.image.EpochOrder order() {
        return data.order(settings.batch(), training.seed());
    }

    /**
     * Images {@code [from, to)} of step {@code s}'s batch: which images they are (the epoch's shuffled order) and
     * each image's noise are pure functions of the seed, the step and the image's place in the batch, so resume
     * is exact and slices add up to the batch (when the loss is a sum over images: see {@link #dataParallel}).
     */
    private TrainingLoop.Step slice(long s, int from, int to) {
        int n = to - from;
        ImageSet images = data.trainingSlice(settings.batch(), training.seed(), s, from, to);
        double[] loss = network.lossAndGradients(images.pixels(), labelsOf(images), n,
                Seeds.items(training.seed(), Seeds.NOISE, s, from, n), settings.kl().weight(s), settings.freeBits());
        Map<String, Double> metrics = settings.encoderMode() ? settings.kl().metrics(loss, s) : new LinkedHashMap<>();
        metrics.put("epoch", order().epochs(s + 1));
        return new TrainingLoop.Step(loss[0], n, metrics);
    }

    /**
     * Data-parallel training, except in encoder mode with free bits: their threshold applies to the KL averaged
     * over the whole batch, so the gradient is not a sum over images and slices cannot add up to it (set
     * {@code train.free-bits = 0} to train such a model data-parallel).
     */
    @Override
    public Optional<DataParallel> dataParallel() {
        return settings.encoderMode() && settings.freeBits() > 0 ? Optional.empty() : Optional.of(training.dataParallel());
    }

    /** The labels of some items of a set (zeros when the model is unconditional). */
    private int[] labels(ImageSet set, int[] items) {
        int[] l = new int[items.length];
        if (network.classes() > 0) {
            for (int i = 0; i < items.length; i++) {
                l[i] = set.labels()[items[i]];
            }
        }
        return l;
    }

    // ---- generation -----------------------------------------------------------------------------------------

    private static Options options(GenerationRequest request) {
        return Options.of(ImageGru.ID, request.options(), OPTIONS);
    }

    @Override
    public List<Sample> generate(GenerationRequest request) {
        // The API's label option (GenerationRequest.LABEL: what the host's quality metrics pass) is this plugin's
        // class option under its API name; a problem with it names the key the user gave (TCK rule 4.13).
        if (request.options().containsKey(GenerationRequest.LABEL) && request.options().containsKey(CLASS)) {
            throw new dev.nova.api.InvalidOptionException(ImageGru.ID, GenerationRequest.LABEL,
                    "give class or label, not both");
        }
        Options o = options(request);
        String mode = o.text(MODE).orElse("prior");
        boolean bernoulli = o.text(ROWS).map(r -> switch (r) {
            case "mean" -> false;
            case "bernoulli" -> true;
            default -> throw o.problem(ROWS, "must be mean or bernoulli", r);
        }).orElse(settings.bernoulliRows());
        return switch (mode) {
            case "prior" -> prior(request, o, bernoulli);
            case "reconstruct" -> reconstruct(request, o, bernoulli);
            case "interpolate" -> interpolate(request, o, bernoulli);
            default -> throw o.problem(MODE, "must be prior, reconstruct or interpolate", mode);
        };
    }

    /** The key the request gives the class under: {@code label} (the API's) or {@code class} (this plugin's). */
    private static String classKey(Options o) {
        return o.has(GenerationRequest.LABEL) ? GenerationRequest.LABEL : CLASS;
    }

    /** The class an option names, by index or by name (kit's one reading of a class option, as audio models read it). */
    private int classOption(Options o) {
        String key = classKey(o);
        Object v = o.value(key).orElse(null);
        if (network.classes() == 0) {
            throw o.problem(key, "cannot be given: this model is unconditional (model.conditional = false)", v);
        }
        return o.classIndex(key, classNames).orElseThrow(() -> o.problem(key, "must be given", null));
    }

    private double[] priorCode(Random r, double temperature) {
        double[] z = new double[network.latent()];
        for (int j = 0; j < z.length; j++) {
            z[j] = (float) (r.nextGaussian() * temperature);
        }
        return z;
    }

    private List<Sample> prior(GenerationRequest request, Options o, boolean bernoulli) {
        double temperature = o.positive(GenerationRequest.TEMPERATURE).orElse(settings.generation().temperature());
        RowGruNetwork.Sampler sampler = network.sampler();
        int size = settings.data().imageSize();
        List<Sample> out = new ArrayList<>();
        boolean oneClass = o.has(classKey(o));
        int label = oneClass ? classOption(o) : 0;
        for (int s = 0; s < request.count(); s++) {
            Random r = Seeds.sample(request.seed(), s);
            if (oneClass || network.classes() == 0) {
                out.add(ImageSamples.each(sampler.generate(sampler.condition(label, priorCode(r, temperature)), bernoulli, r),
                        1, size).get(0));
            } else {
                // One column per sample, one image per class: a grid whose rows are the classes.
                List<float[]> column = new ArrayList<>();
                for (int c = 0; c < network.classes(); c++) {
                    column.add(sampler.generate(sampler.condition(c, priorCode(r, temperature)), bernoulli, r));
                }
                out.add(ImageSamples.column(column, size));
            }
        }
        return out;
    }

    private void requireEncoder(String mode) {
        if (!settings.encoderMode()) {
            throw new PluginException(ImageGru.ID, "mode " + mode + " needs the encoder; this model was trained with "
                    + "model.latent-mode = prior");
        }
    }

    /** {@code count} images with classes: from a path option (with the class option), or held out. */
    private ImageSet inputs(GenerationRequest request, Options o, String key, int count) {
        var value = o.text(key);
        if (value.isEmpty()) {
            return ImageInputs.heldOut(ImageGru.ID, data.get().test(), count, request.seed());
        }
        return labelled(o, ImageInputs.fromPath(ImageGru.ID, key, value.get(), count, settings.data().imageSize()));
    }

    /** Images read from a path, given the class the class option names (the model needs one per image). */
    private ImageSet labelled(Options o, ImageSet set) {
        if (network.classes() > 0) {
            if (!o.has(classKey(o))) {
                throw o.problem(CLASS, "is needed with images given by path (the class of those images)", null);
            }
            int label = classOption(o);
            int[] labels = new int[set.count()];
            java.util.Arrays.fill(labels, label);
            return new ImageSet(set.count(), set.size(), set.pixels(), labels, classNames, set.source());
        }
        return set;
    }

    private int[] labelsOf(ImageSet set) {
        return set.labels() != null && network.classes() > 0 ? set.labels() : new int[set.count()];
    }

    private List<Sample> reconstruct(GenerationRequest request, Options o, boolean bernoulli) {
        requireEncoder("reconstruct");
        int count = request.count();
        ImageSet in = inputs(request, o, ImageInputs.INPUT, count);
        int[] labels = labelsOf(in);
        double[] mu = GaussianLatent.means(network.encode(in.pixels(), labels, count), count, network.latent());
        RowGruNetwork.Sampler sampler = network.sampler();
        int size = settings.data().imageSize();
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double[] z = java.util.Arrays.copyOfRange(mu, s * network.latent(), (s + 1) * network.latent());
            float[] recon = sampler.generate(sampler.condition(labels[s], z), bernoulli, Seeds.sample(request.seed(), s));
            out.add(ImageSamples.strip(List.of(in.image(s), recon), size));
        }
        return out;
    }

    private List<Sample> interpolate(GenerationRequest request, Options o, boolean bernoulli) {
        requireEncoder("interpolate");
        int count = request.count();
        int steps = o.integer(STEPS, 2, 1000).orElse(settings.generation().interpolationSteps());
        ImageSet[] ends = ImageInputs.ends(ImageGru.ID, o, data.get().test(), count, settings.data().imageSize(),
                request.seed(), set -> labelled(o, set));
        ImageSet a = ends[0];
        ImageSet b = ends[1];
        int latent = network.latent();
        double[] ma = GaussianLatent.means(network.encode(a.pixels(), labelsOf(a), count), count, latent);
        double[] mb = GaussianLatent.means(network.encode(b.pixels(), labelsOf(b), count), count, latent);
        RowGruNetwork.Sampler sampler = network.sampler();
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            // The whole condition is blended, the class's one-hot with the code: frames cross from one class to
            // the other when the two ends differ.
            float[] ca = sampler.condition(labelsOf(a)[s], java.util.Arrays.copyOfRange(ma, s * latent, (s + 1) * latent));
            float[] cb = sampler.condition(labelsOf(b)[s], java.util.Arrays.copyOfRange(mb, s * latent, (s + 1) * latent));
            List<float[]> frames = new ArrayList<>();
            for (int f = 0; f < steps; f++) {
                double t = (double) f / (steps - 1);
                float[] c = new float[ca.length];
                for (int k = 0; k < c.length; k++) {
                    c[k] = (float) ((1 - t) * ca[k] + t * cb[k]);
                }
                frames.add(sampler.generate(c, bernoulli, Seeds.sample(request.seed(), s)));
            }
            out.add(ImageSamples.strip(frames, settings.data().imageSize()));
        }
        return out;
    }

    // ---- evaluation -----------------------------------------------------------------------------------------

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        ImageSet set = request.data().isPresent()
                ? ImageData.readForEvaluation(ImageGru.ID, request.data().get(), settings.data().imageSize()) : data.get().test();
        if (set.count() == 0) {
            throw new PluginException(ImageGru.ID, "there are no held-out images to evaluate on (data.holdout = 0)");
        }
        if (network.classes() > 0 && set.labels() == null) {
            throw new PluginException(ImageGru.ID, set.source() + " has no classes; this model is class-conditional");
        }
        int k = settings.eval().importanceSamples(ImageGru.ID, request);
        Map<String, Double> m = settings.eval().elbo(set, network.latent(), new Elbo.Model() {
            @Override
            public double[] encode(float[] images, int from, int count) {
                return settings.encoderMode() ? network.encode(images, labels(set, from, count), count) : null;
            }

            @Override
            public double[] nll(float[] images, int from, double[] z, int count) {
                return network.nll(images, labels(set, from, count), z, count);
            }
        }, k, request.seed()).metrics(settings.encoderMode());
        m.putAll(diversity(set, request.seed()));
        return m;
    }

    /** The labels of items {@code [from, from + count)} of a set (zeros when the model is unconditional). */
    private int[] labels(ImageSet set, int from, int count) {
        int[] items = new int[count];
        for (int i = 0; i < count; i++) {
            items[i] = from + i;
        }
        return labels(set, items);
    }

    /**
     * Sample diversity: per class, the mean pairwise root-mean-square pixel distance between {@code m} samples,
     * and between {@code m} real images of that class; averaged over the classes, with the mean ratio.
     */
    private Map<String, Double> diversity(ImageSet set, long requestSeed) {
        int m = settings.diversitySamples();
        if (m < 2) {
            return Map.of();
        }
        int groups = Math.max(1, network.classes());
        RowGruNetwork.Sampler sampler = network.sampler();
        double samples = 0;
        double real = 0;
        double ratio = 0;
        int counted = 0;
        for (int c = 0; c < groups; c++) {
            List<float[]> reals = new ArrayList<>();
            for (int i = 0; i < set.count() && reals.size() < m; i++) {
                if (network.classes() == 0 || set.labels()[i] == c) {
                    reals.add(set.image(i));
                }
            }
            if (reals.size() < 2) {
                continue;
            }
            List<float[]> drawn = new ArrayList<>();
            for (int s = 0; s < m; s++) {
                Random r = Seeds.random(requestSeed, Seeds.SAMPLE, (long) c * 1_000 + s);
                drawn.add(sampler.generate(sampler.condition(c, priorCode(r, 1.0)), false, r));
            }
            double ds = meanPairwiseDistance(drawn);
            double dr = meanPairwiseDistance(reals);
            samples += ds;
            real += dr;
            ratio += dr > 0 ? ds / dr : 0;
            counted++;
        }
        if (counted == 0) {
            return Map.of();
        }
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("diversity-samples", samples / counted);
        d.put("diversity-real", real / counted);
        d.put("diversity-ratio", ratio / counted);
        return d;
    }

    private static double meanPairwiseDistance(List<float[]> images) {
        double total = 0;
        int pairs = 0;
        for (int i = 0; i < images.size(); i++) {
            for (int j = i + 1; j < images.size(); j++) {
                float[] a = images.get(i);
                float[] b = images.get(j);
                double sq = 0;
                for (int k = 0; k < a.length; k++) {
                    double d = a[k] - b[k];
                    sq += d * d;
                }
                total += Math.sqrt(sq / a.length);
                pairs++;
            }
        }
        return total / pairs;
    }

    // ---- checkpoints ----------------------------------------------------------------------------------------

    @Override
    public void save(OutputStream out) {
        training.save(out, PAYLOAD_MAGIC, PAYLOAD_FORMAT, d -> {
            d.writeInt(classNames.size());
            for (String c : classNames) {
                d.writeUTF(c);
            }
            d.writeUTF(settings.architecture(network.classes()));
        });
    }

    @Override
    public TrainingCore training() {
        return training;
    }

    /** The images, for sample-quality metrics. */
    @Override
    public java.util.Optional<dev.nova.api.ReferenceData> referenceData() {
        return java.util.Optional.of(data.reference(settings.conditional()));
    }
}

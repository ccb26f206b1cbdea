package dev.nova.vae.internal;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.ModelContext;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.kit.nn.Elbo;
import dev.nova.kit.nn.GaussianLatent;
import dev.nova.kit.image.ImageData;
import dev.nova.kit.image.ImageEvaluation;
import dev.nova.kit.image.ImageInputs;
import dev.nova.kit.image.ImageSamples;
import dev.nova.kit.image.ImageSource;
import dev.nova.kit.image.ImageSet;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Seeds;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The vae model: trains on shuffled epochs of the training images; samples from the prior, reconstructs,
 * interpolates and maps the latent space.
 */
public final class VaeModel implements TrainingCore.Holder {

    /** The first bytes of every payload. */
    public static final long PAYLOAD_MAGIC = 0x4e4f5641_56414531L;
    /**
     * The payload format this version writes: 2, whose training draws each image's ε from the image's own stream
     * (so that data-parallel slices add up); format 1 (one stream per step) is still read, and such a run
     * continues with the format 2 draws.
     */
    public static final int PAYLOAD_FORMAT = 2;
    /** Every payload format this version reads. */
    public static final int[] PAYLOAD_FORMATS = {1, 2};

    /** Generation option: what to draw ({@code prior}, {@code reconstruct}, {@code interpolate}, {@code scatter}). */
    public static final String MODE = "mode";
    /** Generation option for {@code interpolate}: frames per strip. */
    public static final String STEPS = "steps";
    /** Evaluation option: importance samples of the IWAE bound. */
    public static final String IMPORTANCE_SAMPLES = ImageEvaluation.IMPORTANCE_SAMPLES;

    private static final List<String> OPTIONS = List.of(MODE, GenerationRequest.TEMPERATURE, ImageInputs.INPUT, ImageInputs.FROM,
            ImageInputs.TO, STEPS);

    private final Settings settings;
    private final VaeNetwork network;
    private final ImageSource data;
    private final TrainingCore training;

    /**
     * Creates a model with fresh weights (drawn from the context's seed) at step 0; reads no data yet.
     *
     * @param settings the plugin's settings
     * @param context what the host handed the model
     */
    public VaeModel(Settings settings, ModelContext context) {
        this.settings = settings;
        this.network = new VaeNetwork(settings.data().pixels(), settings.encoder(), settings.latent(), settings.decoder(),
                settings.activation(), settings.likelihood(), settings.gaussianSigma(), context.seed());
        this.data = settings.data().source(Vae.ID, context);
        this.training = new TrainingCore(Vae.ID, context.seed(), network.params(), new Adam(settings.train(), network.params()),
                s -> order().step(s).length, List.of("reconstruction", "kl", "kl-weight", "epoch"), this::slice)
                .declareFlops(network::trainingFlops);
    }

    /** Reads the training and held-out images now rather than on first use. */
    public void loadData() {
        data.get();
    }

    // ---- training -------------------------------------------------------------------------------------------

    /** The epochs' shuffled order of the training images, drawn from the run's seed. */
    private dev.nova.kit.image.EpochOrder order() {
        return data.order(settings.batch(), training.seed());
    }

    /**
     * Images {@code [from, to)} of step {@code s}'s batch: which images they are (the epoch's shuffled order) and
     * each image's ε are pure functions of the seed, the step and the image's place in the batch, so resume is
     * exact and slices add up to the batch.
     */
    private TrainingLoop.Step slice(long s, int from, int to) {
        int n = to - from;
        ImageSet images = data.trainingSlice(settings.batch(), training.seed(), s, from, to);
        double[] loss = network.lossAndGradients(images.pixels(), n, Seeds.items(training.seed(), Seeds.NOISE, s, from, n),
                settings.kl().weight(s));
        Map<String, Double> metrics = settings.kl().metrics(loss, s);
        metrics.put("epoch", order().epochs(s + 1));
        return new TrainingLoop.Step(loss[0], n, metrics);
    }

    // ---- generation -----------------------------------------------------------------------------------------

    @Override
    public List<Sample> generate(GenerationRequest request) {
        String mode = options(request).text(MODE).orElse("prior");
        return switch (mode) {
            case "prior" -> prior(request);
            case "reconstruct" -> reconstruct(request);
            case "interpolate" -> interpolate(request);
            case "scatter" -> scatter(request);
            default -> throw new InvalidOptionException(Vae.ID, "mode", "option mode must be prior, reconstruct, interpolate or scatter,"
                    + " found " + mode);
        };
    }

    private List<Sample> prior(GenerationRequest request) {
        double temperature = options(request).positive(GenerationRequest.TEMPERATURE).orElse(settings.generation().temperature());
        if (!(temperature > 0)) {
            throw new InvalidOptionException(Vae.ID, "temperature", "option temperature must be > 0, found " + temperature);
        }
        int count = request.count();
        int latent = network.latent();
        double[] z = new double[count * latent];
        for (int s = 0; s < count; s++) {
            Random r = Seeds.sample(request.seed(), s);
            for (int j = 0; j < latent; j++) {
                z[s * latent + j] = (float) (r.nextGaussian() * temperature);
            }
        }
        return ImageSamples.each(decodeEach(z, count), count, settings.data().imageSize());
    }

    /** Decodes one code at a time, so that a sample never depends on what else was asked for. */
    private float[] decodeEach(double[] z, int count) {
        int latent = network.latent();
        int dim = network.dim();
        float[] px = new float[count * dim];
        for (int s = 0; s < count; s++) {
            double[] one = java.util.Arrays.copyOfRange(z, s * latent, (s + 1) * latent);
            System.arraycopy(network.decode(one, 1), 0, px, s * dim, dim);
        }
        return px;
    }

    private List<Sample> reconstruct(GenerationRequest request) {
        int count = request.count();
        float[] originals = inputs(request, ImageInputs.INPUT, count);
        double[] mu = GaussianLatent.means(network.encode(originals, count), count, network.latent());
        float[] recon = decodeEach(mu, count);
        int size = settings.data().imageSize();
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            out.add(ImageSamples.strip(List.of(slice(originals, s), slice(recon, s)), size));
        }
        return out;
    }

    private List<Sample> interpolate(GenerationRequest request) {
        int count = request.count();
        Options o = options(request);
        int steps = o.integer(STEPS, 2, 1000).orElse(settings.generation().interpolationSteps());
        ImageSet[] ends = ImageInputs.ends(Vae.ID, o, data.get().test(), count, settings.data().imageSize(), request.seed(),
                set -> set);
        float[] a = ends[0].pixels();
        float[] b = ends[1].pixels();
        double[] ma = GaussianLatent.means(network.encode(a, count), count, network.latent());
        double[] mb = GaussianLatent.means(network.encode(b, count), count, network.latent());
        int latent = network.latent();
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double[] z = new double[steps * latent];
            for (int f = 0; f < steps; f++) {
                double t = (double) f / (steps - 1);
                for (int j = 0; j < latent; j++) {
                    z[f * latent + j] = (float) ((1 - t) * ma[s * latent + j] + t * mb[s * latent + j]);
                }
            }
            float[] frames = decodeEach(z, steps);
            List<float[]> parts = new ArrayList<>();
            for (int f = 0; f < steps; f++) {
                parts.add(slice(frames, f));
            }
            out.add(ImageSamples.strip(parts, settings.data().imageSize()));
        }
        return out;
    }

    private List<Sample> scatter(GenerationRequest request) {
        if (network.latent() != 2) {
            throw new PluginException(Vae.ID, "mode scatter maps a 2-dimensional latent space; this model has latent "
                    + network.latent() + " (set model.latent = 2 to train one)");
        }
        if (request.count() != 1) {
            throw new PluginException(Vae.ID, "mode scatter draws one figure; ask for count 1, found " + request.count());
        }
        ImageSet test = heldOutSet();
        int n = Math.min(test.count(), 5000);
        float[] mu = new float[n * 2];
        int chunk = Math.min(settings.eval().batch(), n);
        float[] buf = new float[chunk * test.dim()];
        int[] index = identity(n);
        for (int from = 0; from < n; from += chunk) {
            int b = Math.min(chunk, n - from);
            test.gather(index, from, b, buf);
            double[] m = GaussianLatent.means(network.encode(buf, b), b, 2);
            for (int i = 0; i < b * 2; i++) {
                mu[from * 2 + i] = (float) m[i];
            }
        }
        int[] labels = test.labels() == null ? null : java.util.Arrays.copyOf(test.labels(), n);
        return List.of(Figures.scatter(mu, labels, test.classes(), "latent means of " + n + " held-out images"));
    }

    private float[] slice(float[] images, int i) {
        return ImageSamples.slice(images, i, network.dim());
    }

    /** {@code count} images from a path option, or held-out images chosen by the seed when the option is absent. */
    private float[] inputs(GenerationRequest request, String key, int count) {
        var value = options(request).text(key);
        return value.isPresent() ? ImageInputs.fromPath(Vae.ID, key, value.get(), count, settings.data().imageSize()).pixels()
                : heldOut(count, request.seed());
    }

    private ImageSet heldOutSet() {
        ImageSet test = data.get().test();
        if (test.count() == 0) {
            throw new PluginException(Vae.ID, "there are no held-out images (data.holdout = 0); give image paths instead");
        }
        return test;
    }

    private float[] heldOut(int count, long requestSeed) {
        return ImageInputs.heldOut(Vae.ID, data.get().test(), count, requestSeed).pixels();
    }

    private static int[] identity(int n) {
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        return index;
    }

    private static Options options(GenerationRequest request) {
        return Options.of(Vae.ID, request.options(), OPTIONS);
    }

    // ---- evaluation -----------------------------------------------------------------------------------------

    @Override
    public Map<String, Double> evaluate(EvaluationRequest request) {
        ImageSet set = request.data().isPresent()
                ? ImageData.readForEvaluation(Vae.ID, request.data().get(), settings.data().imageSize()) : heldOutSet();
        int k = settings.eval().importanceSamples(Vae.ID, request);
        return settings.eval().elbo(set, network.latent(), new Elbo.Model() {
            @Override
            public double[] encode(float[] images, int from, int count) {
                return network.encode(images, count);
            }

            @Override
            public double[] nll(float[] images, int from, double[] z, int count) {
                double[] nll = network.logLikelihood(images, network.decodeLogits(z, count), count);
                for (int i = 0; i < count; i++) {
                    nll[i] = -nll[i];
                }
                return nll;
            }
        }, k, request.seed()).metrics(true);
    }

    // ---- checkpoints ----------------------------------------------------------------------------------------

    @Override
    public void save(OutputStream out) {
        training.save(out, PAYLOAD_MAGIC, PAYLOAD_FORMAT, d -> {
            d.writeUTF(architecture(settings));
        });
    }

    /**
     * What a checkpoint must match to be restored under a config: every setting that shapes the parameters.
     *
     * @param s the settings
     * @return a one-line description
     */
    public static String architecture(Settings s) {
        return "image " + s.data().imageSize() + "x" + s.data().imageSize() + ", encoder " + s.encoder() + ", latent " + s.latent()
                + ", decoder " + s.decoder();
    }

    @Override
    public TrainingCore training() {
        return training;
    }

    /** The images, for sample-quality metrics. */
    @Override
    public java.util.Optional<dev.nova.api.ReferenceData> referenceData() {
        return java.util.Optional.of(data.reference(false));
    }
}

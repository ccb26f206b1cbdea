package dev.nova.vae.internal;

import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.kit.image.EpochOrder;
import dev.nova.kit.nn.GaussianLatent;
import dev.nova.kit.image.ImageData;
import dev.nova.kit.image.ImageInputs;
import dev.nova.kit.image.ImageSamples;
import dev.nova.kit.image.ImageSource;
import dev.nova.kit.image.ImageSet;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.SliceTraining;
import dev.nova.kit.optim.TrainingLoop;
import dev.nova.kit.optim.TrainingState;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.Seeds;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The vae model: trains on shuffled epochs of the training images; samples from the prior, reconstructs,
 * interpolates and maps the latent space.
 */
public final class VaeModel implements GenerativeModel {

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
    public static final String IMPORTANCE_SAMPLES = "importance-samples";

    private static final List<String> OPTIONS = List.of(MODE, GenerationRequest.TEMPERATURE, ImageInputs.INPUT, ImageInputs.FROM,
            ImageInputs.TO, STEPS);

    private final Settings settings;
    private final VaeNetwork network;
    private final Adam optimizer;
    private final ImageSource data;
    private final SliceTraining slices;
    private long seed;
    private long step;
    private EpochOrder order;

    @Inject
    VaeModel(Settings settings, ModelContext context, VaeNetwork network, Adam optimizer, ImageSource data) {
        this.settings = settings;
        this.network = network;
        this.optimizer = optimizer;
        this.data = data;
        this.seed = context.seed();
        this.slices = new SliceTraining(Vae.ID, network.params(), optimizer, this::batchOf,
                List.of("reconstruction", "kl", "kl-weight", "epoch"), () -> step, s -> step = s, this::slice);
    }

    /** Reads the training and held-out images now rather than on first use. */
    public void loadData() {
        data.get();
    }

    // ---- training -------------------------------------------------------------------------------------------

    /**
     * Images {@code [from, to)} of step {@code s}'s batch: which images they are (the epoch's shuffled order) and
     * each image's ε are pure functions of the seed, the step and the image's place in the batch, so resume is
     * exact and slices add up to the batch.
     */
    private EpochOrder order() {
        if (order == null) {
            order = new EpochOrder(data.get().train().count(), settings.batch(), seed);
        }
        return order;
    }

    /** The images of step {@code s} (the configured batch; fewer at the end of an epoch). */
    private int batchOf(long s) {
        return order().step(s).length;
    }

    private TrainingLoop.Step slice(long s, int from, int to) {
        ImageSet train = data.get().train();
        order();
        int[] items = order.step(s);
        int n = to - from;
        float[] batch = new float[n * train.dim()];
        train.gather(items, from, n, batch);
        double klWeight = settings.klWeight(s);
        double[] loss = network.lossAndGradients(batch, n, Seeds.items(seed, Seeds.NOISE, s, from, n), klWeight);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("reconstruction", loss[1]);
        metrics.put("kl", loss[2]);
        metrics.put("kl-weight", klWeight);
        metrics.put("epoch", order.epochs(s + 1));
        return new TrainingLoop.Step(loss[0], n, metrics);
    }

    @Override
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        return TrainingLoop.run(Vae.ID, request, listener, optimizer, step, s -> step = s, slices.wholeBatch());
    }

    @Override
    public Optional<DataParallel> dataParallel() {
        return Optional.of(slices);
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
        double temperature = options(request).positive(GenerationRequest.TEMPERATURE).orElse(settings.temperature());
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
        return ImageSamples.each(decodeEach(z, count), count, settings.imageSize());
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
        int size = settings.imageSize();
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            out.add(ImageSamples.strip(List.of(slice(originals, s), slice(recon, s)), size));
        }
        return out;
    }

    private List<Sample> interpolate(GenerationRequest request) {
        int count = request.count();
        Options o = options(request);
        int steps = o.integer(STEPS, 2, 1000).orElse(settings.interpolationSteps());
        ImageSet[] ends = ImageInputs.ends(Vae.ID, o, data.get().test(), count, settings.imageSize(), request.seed(),
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
            out.add(ImageSamples.strip(parts, settings.imageSize()));
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
        int chunk = Math.min(settings.evalBatch(), n);
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
        return value.isPresent() ? ImageInputs.fromPath(Vae.ID, key, value.get(), count, settings.imageSize()).pixels()
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
                ? ImageData.readForEvaluation(Vae.ID, request.data().get(), settings.imageSize()) : heldOutSet();
        int k = Options.of(Vae.ID, request.options(), List.of(IMPORTANCE_SAMPLES)).integer(IMPORTANCE_SAMPLES, 0, 100_000)
                .orElse(settings.importanceSamples());
        int n = settings.evalImages() > 0 ? Math.min(settings.evalImages(), set.count()) : set.count();
        int chunk = Math.min(settings.evalBatch(), n);
        float[] buf = new float[chunk * set.dim()];
        int[] index = identity(n);
        int latent = network.latent();
        Random noise = new Random(request.seed());
        double recSum = 0;
        double klSum = 0;
        double iwaeSum = 0;
        for (int from = 0; from < n; from += chunk) {
            int b = Math.min(chunk, n - from);
            set.gather(index, from, b, buf);
            double[] stats = network.encode(buf, b);
            double[] z = new double[b * latent];
            double[] eps = new double[b * latent];
            klSum += GaussianLatent.kl(stats, b, latent, null, 0);
            GaussianLatent.sample(stats, b, latent, noise, z, eps);
            for (double v : network.logLikelihood(buf, network.decodeLogits(z, b), b)) {
                recSum -= v;
            }
            if (k > 0) {
                iwaeSum += iwae(buf, b, stats, k, noise);
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(LOSS, (recSum + klSum) / n);
        m.put("reconstruction", recSum / n);
        m.put("kl", klSum / n);
        if (k > 0) {
            m.put("iwae-nll", iwaeSum / n);
            m.put("importance-samples", (double) k);
        }
        m.put("images", (double) n);
        return m;
    }

    /**
     * The importance-weighted bound with {@code k} samples, summed over the batch:
     * {@code -log (1/k) Σ p(x|z_i) p(z_i) / q(z_i|x)}.
     */
    private double iwae(float[] images, int b, double[] stats, int k, Random noise) {
        int latent = network.latent();
        double[][] logw = new double[b][k];
        double[] z = new double[b * latent];
        double[] eps = new double[b * latent];
        for (int s = 0; s < k; s++) {
            GaussianLatent.sample(stats, b, latent, noise, z, eps);
            double[] ll = network.logLikelihood(images, network.decodeLogits(z, b), b);
            for (int i = 0; i < b; i++) {
                logw[i][s] = ll[i] + GaussianLatent.logPriorOverPosterior(stats, z, eps, i, latent);
            }
        }
        double total = 0;
        for (int i = 0; i < b; i++) {
            total += GaussianLatent.negLogMeanExp(logw[i]);
        }
        return total;
    }

    // ---- checkpoints ----------------------------------------------------------------------------------------

    @Override
    public void save(OutputStream out) {
        Payload.write(Vae.ID, out, PAYLOAD_MAGIC, PAYLOAD_FORMAT, d -> {
            d.writeUTF(architecture(settings));
            new TrainingState(seed, step).write(d, network.params(), optimizer);
        });
    }

    /**
     * What a checkpoint must match to be restored under a config: every setting that shapes the parameters.
     *
     * @param s the settings
     * @return a one-line description
     */
    public static String architecture(Settings s) {
        return "image " + s.imageSize() + "x" + s.imageSize() + ", encoder " + s.encoder() + ", latent " + s.latent()
                + ", decoder " + s.decoder();
    }

    /**
     * Reads what {@link #save} wrote after the header (the provider reads and checks the header).
     *
     * @param in the payload
     * @throws IOException if it is truncated or does not fit the configured model
     */
    public void restoreFrom(DataInputStream in) throws IOException {
        TrainingState state = TrainingState.read(in, network.params(), optimizer);
        seed = state.seed();
        step = state.step();
        order = null;
    }

    @Override
    public long step() {
        return step;
    }
}

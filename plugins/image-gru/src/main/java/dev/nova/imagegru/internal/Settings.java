package dev.nova.imagegru.internal;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.InvalidConfigException;
import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;
import java.util.List;

/**
 * Every setting of the plugin, read eagerly from its config subtree and checked all at once.
 *
 * @param dataPath an IDX folder, an image folder, or {@code builtin:shapes}
 * @param imageSize width and height (one GRU step per row)
 * @param holdout held-out fraction for folders and builtin data
 * @param limit at most this many training images (0 = all)
 * @param encoderMode whether z comes from an encoder (else from the prior)
 * @param conditional whether the initial state sees the class
 * @param latent size of z
 * @param hidden GRU width
 * @param layers GRU layers
 * @param encoder encoder hidden widths
 * @param activation encoder activation
 * @param batch images per batch
 * @param train optimiser, schedule, clipping and decay
 * @param beta KL weight (encoder mode)
 * @param klWarmupSteps steps over which the KL weight rises to beta
 * @param freeBits nats per latent dimension free of KL penalty (encoder mode)
 * @param evalImages held-out images per evaluation (0 = all)
 * @param evalBatch images per evaluation pass
 * @param importanceSamples default k of the IWAE bound (0 = off)
 * @param diversitySamples samples per class for the diversity figures (0 = off)
 * @param bernoulliRows whether generation feeds back Bernoulli draws (else pixel means)
 * @param temperature standard deviation of prior samples
 * @param interpolationSteps frames of an interpolation strip
 */
public record Settings(String dataPath, int imageSize, double holdout, int limit, boolean encoderMode, boolean conditional,
                       int latent, int hidden, int layers, List<Integer> encoder, String activation, int batch,
                       TrainSettings train, double beta, int klWarmupSteps, double freeBits, int evalImages, int evalBatch,
                       int importanceSamples, int diversitySamples, boolean bernoulliRows, double temperature,
                       int interpolationSteps) {

    /** Copies the list. */
    public Settings {
        encoder = List.copyOf(encoder);
    }

    /**
     * Checks a config without building anything.
     *
     * @param c the plugin's subtree
     * @return every problem found
     */
    public static List<ConfigProblem> problems(Config c) {
        Checks p = new Checks(c);
        p.nonBlank("data.path", "an IDX folder, an image folder, or builtin:shapes");
        p.intRange("data.image-size", 2, 1024);
        p.range("data.holdout", 0.0, 0.9, true);
        p.intRange("data.limit", 0, Integer.MAX_VALUE);
        p.oneOf("model.latent-mode", List.of("encoder", "prior"));
        p.intRange("model.latent", 1, 4096);
        p.intRange("model.hidden", 1, 8192);
        p.intRange("model.layers", 1, 4);
        p.widths("model.encoder", true, 8, 65_536);
        p.oneOf("model.activation", List.of("relu", "leaky-relu", "tanh"));
        p.intRange("train.batch", 1, 100_000);
        TrainSettings.check(p, "train.");
        p.atLeast("train.beta", 0);
        p.intRange("train.kl-warmup-steps", 0, Integer.MAX_VALUE);
        p.atLeast("train.free-bits", 0);
        p.intRange("eval.images", 0, Integer.MAX_VALUE);
        p.intRange("eval.batch", 1, 100_000);
        p.intRange("eval.importance-samples", 0, 100_000);
        p.intRange("eval.diversity-samples", 0, 1000);
        p.oneOf("generate.rows", List.of("mean", "bernoulli"));
        p.positive("generate.temperature");
        p.intRange("generate.steps", 2, 1000);
        return p.problems();
    }

    /**
     * Reads and checks the settings.
     *
     * @param c the plugin's subtree
     * @return the settings
     * @throws InvalidConfigException listing every problem
     */
    public static Settings of(Config c) {
        List<ConfigProblem> p = problems(c);
        if (!p.isEmpty()) {
            throw new InvalidConfigException(ImageGru.ID, p);
        }
        return new Settings(c.getString("data.path"), c.getInt("data.image-size"), c.getDouble("data.holdout"),
                c.getInt("data.limit"), c.getString("model.latent-mode").equals("encoder"), c.getBoolean("model.conditional"),
                c.getInt("model.latent"), c.getInt("model.hidden"), c.getInt("model.layers"), c.getIntList("model.encoder"),
                c.getString("model.activation"), c.getInt("train.batch"), TrainSettings.of(c, "train."),
                c.getDouble("train.beta"), c.getInt("train.kl-warmup-steps"), c.getDouble("train.free-bits"),
                c.getInt("eval.images"),
                c.getInt("eval.batch"), c.getInt("eval.importance-samples"), c.getInt("eval.diversity-samples"),
                c.getString("generate.rows").equals("bernoulli"), c.getDouble("generate.temperature"),
                c.getInt("generate.steps"));
    }

    /** Pixels per image. */
    public int pixels() {
        return imageSize * imageSize;
    }

    /**
     * The KL weight at a step.
     *
     * @param step the 0-based step about to run
     * @return beta, scaled down linearly during the KL warm-up
     */
    public double klWeight(long step) {
        return klWarmupSteps > 0 && step < klWarmupSteps ? beta * (step + 1) / klWarmupSteps : beta;
    }

    /**
     * What a checkpoint must match to be restored under a config: every setting that shapes the parameters.
     *
     * @param classes the number of classes the model conditions on
     * @return a one-line description
     */
    public String architecture(int classes) {
        return "image " + imageSize + "x" + imageSize + ", " + (encoderMode ? "encoder " + encoder + " " + activation
                : "prior") + ", latent " + latent + ", " + (conditional ? classes + " classes" : "unconditional")
                + ", GRU " + layers + "x" + hidden;
    }
}

package dev.nova.vae.internal;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.InvalidConfigException;
import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;
import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of the plugin, read eagerly from its config subtree and checked all at once.
 *
 * @param dataPath an IDX folder, an image folder, or {@code builtin:shapes}
 * @param imageSize width and height of the model's images
 * @param holdout held-out fraction for folders and builtin data
 * @param limit at most this many training images (0 = all)
 * @param encoder encoder hidden widths
 * @param decoder decoder hidden widths (the encoder's reversed when empty in the config)
 * @param latent size of z
 * @param activation {@code relu}, {@code leaky-relu} or {@code tanh}
 * @param likelihood {@code bernoulli} or {@code gaussian}
 * @param gaussianSigma the fixed standard deviation of the gaussian decoder
 * @param batch images per batch
 * @param train optimiser, schedule, clipping and decay ({@code train.*})
 * @param beta weight of the KL term
 * @param klWarmupSteps steps over which the KL weight rises linearly to beta
 * @param evalImages held-out images per evaluation (0 = all)
 * @param evalBatch images per evaluation forward pass
 * @param importanceSamples default k of the IWAE bound (0 = off)
 * @param temperature standard deviation of prior samples
 * @param interpolationSteps frames of an interpolation strip
 */
public record Settings(String dataPath, int imageSize, double holdout, int limit, List<Integer> encoder,
                       List<Integer> decoder, int latent, String activation, String likelihood, double gaussianSigma,
                       int batch, TrainSettings train, double beta, int klWarmupSteps,
                       int evalImages, int evalBatch, int importanceSamples, double temperature,
                       int interpolationSteps) {

    /** Copies the lists. */
    public Settings {
        encoder = List.copyOf(encoder);
        decoder = List.copyOf(decoder);
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
        p.widths("model.encoder", false, 8, 65_536);
        p.widths("model.decoder", true, 8, 65_536);
        p.intRange("model.latent", 1, 4096);
        p.oneOf("model.activation", List.of("relu", "leaky-relu", "tanh"));
        p.oneOf("model.likelihood", List.of("bernoulli", "gaussian"));
        p.positive("model.gaussian-sigma");
        p.intRange("train.batch", 1, 100_000);
        TrainSettings.check(p, "train.");
        p.atLeast("train.beta", 0);
        p.intRange("train.kl-warmup-steps", 0, Integer.MAX_VALUE);
        p.intRange("eval.images", 0, Integer.MAX_VALUE);
        p.intRange("eval.batch", 1, 100_000);
        p.intRange("eval.importance-samples", 0, 100_000);
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
            throw new InvalidConfigException(Vae.ID, p);
        }
        List<Integer> encoder = c.getIntList("model.encoder");
        List<Integer> decoder = c.getIntList("model.decoder");
        if (decoder.isEmpty()) {
            decoder = new ArrayList<>(encoder);
            java.util.Collections.reverse(decoder);
        }
        return new Settings(c.getString("data.path"), c.getInt("data.image-size"), c.getDouble("data.holdout"),
                c.getInt("data.limit"), encoder, decoder, c.getInt("model.latent"), c.getString("model.activation"),
                c.getString("model.likelihood"), c.getDouble("model.gaussian-sigma"), c.getInt("train.batch"),
                TrainSettings.of(c, "train."), c.getDouble("train.beta"), c.getInt("train.kl-warmup-steps"),
                c.getInt("eval.images"), c.getInt("eval.batch"), c.getInt("eval.importance-samples"),
                c.getDouble("generate.temperature"), c.getInt("generate.steps"));
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
}

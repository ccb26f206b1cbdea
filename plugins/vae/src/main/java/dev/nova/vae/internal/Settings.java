package dev.nova.vae.internal;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.InvalidConfigException;
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
 * @param optimizer {@code adam} or {@code adamw}
 * @param learningRate peak learning rate
 * @param warmupSteps linear warm-up steps
 * @param decaySteps cosine decay length (0 = constant)
 * @param minLearningRate floor of the cosine decay
 * @param gradientClip global norm clip (0 = off)
 * @param weightDecay weight decay coefficient
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
                       int batch, String optimizer, double learningRate, int warmupSteps, int decaySteps,
                       double minLearningRate, double gradientClip, double weightDecay, double beta, int klWarmupSteps,
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
        List<ConfigProblem> p = new ArrayList<>();
        if (c.getString("data.path").isBlank()) {
            p.add(new ConfigProblem("data.path", "must name an IDX folder, an image folder, or builtin:shapes"));
        }
        intRange(p, c, "data.image-size", 2, 1024);
        range(p, c, "data.holdout", 0.0, 0.9, true);
        intRange(p, c, "data.limit", 0, Integer.MAX_VALUE);
        widths(p, c, "model.encoder", false);
        widths(p, c, "model.decoder", true);
        intRange(p, c, "model.latent", 1, 4096);
        oneOf(p, c, "model.activation", List.of("relu", "leaky-relu", "tanh"));
        oneOf(p, c, "model.likelihood", List.of("bernoulli", "gaussian"));
        positive(p, c, "model.gaussian-sigma");
        intRange(p, c, "train.batch", 1, 100_000);
        oneOf(p, c, "train.optimizer", List.of("adam", "adamw"));
        positive(p, c, "train.learning-rate");
        intRange(p, c, "train.warmup-steps", 0, Integer.MAX_VALUE);
        intRange(p, c, "train.decay-steps", 0, Integer.MAX_VALUE);
        range(p, c, "train.min-learning-rate", 0.0, Double.MAX_VALUE, true);
        range(p, c, "train.gradient-clip", 0.0, Double.MAX_VALUE, true);
        range(p, c, "train.weight-decay", 0.0, Double.MAX_VALUE, true);
        range(p, c, "train.beta", 0.0, Double.MAX_VALUE, true);
        intRange(p, c, "train.kl-warmup-steps", 0, Integer.MAX_VALUE);
        intRange(p, c, "eval.images", 0, Integer.MAX_VALUE);
        intRange(p, c, "eval.batch", 1, 100_000);
        intRange(p, c, "eval.importance-samples", 0, 100_000);
        positive(p, c, "generate.temperature");
        intRange(p, c, "generate.steps", 2, 1000);
        return p;
    }

    /**
     * Reads and checks the settings.
     *
     * @param pluginId for messages
     * @param c the plugin's subtree
     * @return the settings
     * @throws InvalidConfigException listing every problem
     */
    public static Settings of(String pluginId, Config c) {
        List<ConfigProblem> p = problems(c);
        if (!p.isEmpty()) {
            throw new InvalidConfigException(pluginId, p);
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
                c.getString("train.optimizer"), c.getDouble("train.learning-rate"), c.getInt("train.warmup-steps"),
                c.getInt("train.decay-steps"), c.getDouble("train.min-learning-rate"), c.getDouble("train.gradient-clip"),
                c.getDouble("train.weight-decay"), c.getDouble("train.beta"), c.getInt("train.kl-warmup-steps"),
                c.getInt("eval.images"), c.getInt("eval.batch"), c.getInt("eval.importance-samples"),
                c.getDouble("generate.temperature"), c.getInt("generate.steps"));
    }

    /** Pixels per image. */
    public int pixels() {
        return imageSize * imageSize;
    }

    /**
     * The learning rate at a step: linear warm-up, then cosine decay to the floor, then the floor.
     *
     * @param step the 0-based step about to run
     * @return the rate
     */
    public double learningRate(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        if (decaySteps <= 0) {
            return learningRate;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, decaySteps - warmupSteps));
        return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress));
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

    private static void widths(List<ConfigProblem> p, Config c, String key, boolean mayBeEmpty) {
        List<Integer> w;
        try {
            w = c.getIntList(key);
        } catch (com.typesafe.config.ConfigException e) {
            p.add(new ConfigProblem(key, "must be a list of layer widths such as [512, 256]"));
            return;
        }
        if (w.isEmpty() && !mayBeEmpty) {
            p.add(new ConfigProblem(key, "must list at least one layer width, such as [512, 256]"));
        }
        if (w.size() > 8 || w.stream().anyMatch(v -> v < 1 || v > 65_536)) {
            p.add(new ConfigProblem(key, "must hold 1 to 8 widths in [1, 65536], found " + w));
        }
    }

    private static void oneOf(List<ConfigProblem> p, Config c, String key, List<String> allowed) {
        String v = c.getString(key);
        if (!allowed.contains(v)) {
            p.add(new ConfigProblem(key, "must be one of " + String.join(", ", allowed) + ", found " + v));
        }
    }

    private static void intRange(List<ConfigProblem> p, Config c, String key, long min, long max) {
        long v = c.getLong(key);
        if (v < min || v > max) {
            p.add(new ConfigProblem(key, max == Integer.MAX_VALUE
                    ? "must be >= " + min + ", found " + v : "must be in [" + min + ", " + max + "], found " + v));
        }
    }

    private static void range(List<ConfigProblem> p, Config c, String key, double min, double max, boolean maxInclusive) {
        double v = c.getDouble(key);
        if (!(v >= min && (maxInclusive ? v <= max : v < max))) {
            p.add(new ConfigProblem(key, "must be in [" + min + ", " + max + (maxInclusive ? "]" : ")") + ", found " + v));
        }
    }

    private static void positive(List<ConfigProblem> p, Config c, String key) {
        double v = c.getDouble(key);
        if (!(v > 0)) {
            p.add(new ConfigProblem(key, "must be > 0, found " + v));
        }
    }
}

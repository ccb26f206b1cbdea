package dev.nova.textgru.internal;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.InvalidConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of the plugin, read eagerly from its config subtree and checked all at once.
 *
 * @param dataPath a file, a folder, or {@code builtin:<name>}
 * @param holdout the held-out tail fraction
 * @param embedding embedding width
 * @param layers GRU layers
 * @param hidden GRU width
 * @param dropout dropout between GRU layers
 * @param sequenceLength characters per sequence
 * @param batch sequences per batch
 * @param optimizer {@code adam} or {@code adamw}
 * @param learningRate peak learning rate
 * @param warmupSteps linear warm-up steps
 * @param decaySteps cosine decay length (0 = constant)
 * @param minLearningRate floor of the cosine decay
 * @param gradientClip global norm clip (0 = off)
 * @param weightDecay weight decay coefficient
 * @param evalBatches held-out batches per evaluation
 * @param genLength default generated length
 * @param genTemperature default temperature
 * @param genTopK default top-k (0 = off)
 * @param genTopP default top-p (1 = off)
 */
public record Settings(String dataPath, double holdout, int embedding, int layers, int hidden, double dropout,
                       int sequenceLength, int batch, String optimizer, double learningRate, int warmupSteps,
                       int decaySteps, double minLearningRate, double gradientClip, double weightDecay, int evalBatches,
                       int genLength, double genTemperature, int genTopK, double genTopP) {

    /**
     * Checks a config without building anything.
     *
     * @param c the plugin's subtree
     * @return every problem found
     */
    public static List<ConfigProblem> problems(Config c) {
        List<ConfigProblem> p = new ArrayList<>();
        range(p, c, "data.holdout", 0.0, 0.9, true);
        intRange(p, c, "model.embedding", 1, 4096);
        intRange(p, c, "model.layers", 1, 3);
        intRange(p, c, "model.hidden", 1, 8192);
        range(p, c, "model.dropout", 0.0, 1.0, false);
        intRange(p, c, "train.sequence-length", 1, 100_000);
        intRange(p, c, "train.batch", 1, 100_000);
        String opt = c.getString("train.optimizer");
        if (!opt.equals("adam") && !opt.equals("adamw")) {
            p.add(new ConfigProblem("train.optimizer", "must be adam or adamw, found " + opt));
        }
        positive(p, c, "train.learning-rate");
        intRange(p, c, "train.warmup-steps", 0, Integer.MAX_VALUE);
        intRange(p, c, "train.decay-steps", 0, Integer.MAX_VALUE);
        range(p, c, "train.min-learning-rate", 0.0, Double.MAX_VALUE, true);
        range(p, c, "train.gradient-clip", 0.0, Double.MAX_VALUE, true);
        range(p, c, "train.weight-decay", 0.0, Double.MAX_VALUE, true);
        intRange(p, c, "eval.batches", 1, 1_000_000);
        intRange(p, c, "generate.length", 0, 10_000_000);
        positive(p, c, "generate.temperature");
        intRange(p, c, "generate.top-k", 0, Integer.MAX_VALUE);
        double topP = c.getDouble("generate.top-p");
        if (!(topP > 0 && topP <= 1)) {
            p.add(new ConfigProblem("generate.top-p", "must be in (0,1], found " + topP));
        }
        if (c.getString("data.path").isBlank()) {
            p.add(new ConfigProblem("data.path", "must name a UTF-8 text file, a folder, or builtin:kjv-genesis"));
        }
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
        return new Settings(c.getString("data.path"), c.getDouble("data.holdout"), c.getInt("model.embedding"),
                c.getInt("model.layers"), c.getInt("model.hidden"), c.getDouble("model.dropout"),
                c.getInt("train.sequence-length"), c.getInt("train.batch"), c.getString("train.optimizer"),
                c.getDouble("train.learning-rate"), c.getInt("train.warmup-steps"), c.getInt("train.decay-steps"),
                c.getDouble("train.min-learning-rate"), c.getDouble("train.gradient-clip"), c.getDouble("train.weight-decay"),
                c.getInt("eval.batches"), c.getInt("generate.length"), c.getDouble("generate.temperature"),
                c.getInt("generate.top-k"), c.getDouble("generate.top-p"));
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

    private static void intRange(List<ConfigProblem> p, Config c, String key, long min, long max) {
        long v = c.getLong(key);
        if (v < min || v > max) {
            p.add(new ConfigProblem(key, max == Integer.MAX_VALUE || max == Long.MAX_VALUE
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

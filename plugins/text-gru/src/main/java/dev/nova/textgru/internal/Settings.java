package dev.nova.textgru.internal;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.InvalidConfigException;
import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;
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
 * @param train optimiser, schedule, clipping and decay ({@code train.*})
 * @param evalBatches held-out batches per evaluation
 * @param genLength default generated length
 * @param genTemperature default temperature
 * @param genTopK default top-k (0 = off)
 * @param genTopP default top-p (1 = off)
 */
public record Settings(String dataPath, double holdout, int embedding, int layers, int hidden, double dropout,
                       int sequenceLength, int batch, TrainSettings train, int evalBatches, int genLength,
                       double genTemperature, int genTopK, double genTopP) {

    /**
     * Checks a config without building anything.
     *
     * @param c the plugin's subtree
     * @return every problem found
     */
    public static List<ConfigProblem> problems(Config c) {
        Checks p = new Checks(c);
        p.nonBlank("data.path", "a UTF-8 text file, a folder, or builtin:kjv-genesis");
        p.range("data.holdout", 0.0, 0.9, true);
        p.intRange("model.embedding", 1, 4096);
        p.intRange("model.layers", 1, 3);
        p.intRange("model.hidden", 1, 8192);
        p.range("model.dropout", 0.0, 1.0, false);
        p.intRange("train.sequence-length", 1, 100_000);
        p.intRange("train.batch", 1, 100_000);
        TrainSettings.check(p, "train.");
        p.intRange("eval.batches", 1, 1_000_000);
        p.intRange("generate.length", 0, 10_000_000);
        p.positive("generate.temperature");
        p.intRange("generate.top-k", 0, Integer.MAX_VALUE);
        p.above("generate.top-p", 0, 1);
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
            throw new InvalidConfigException(TextGru.ID, p);
        }
        return new Settings(c.getString("data.path"), c.getDouble("data.holdout"), c.getInt("model.embedding"),
                c.getInt("model.layers"), c.getInt("model.hidden"), c.getDouble("model.dropout"),
                c.getInt("train.sequence-length"), c.getInt("train.batch"), TrainSettings.of(c, "train."),
                c.getInt("eval.batches"), c.getInt("generate.length"), c.getDouble("generate.temperature"),
                c.getInt("generate.top-k"), c.getDouble("generate.top-p"));
    }
}

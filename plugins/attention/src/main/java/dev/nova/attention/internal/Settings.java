package dev.nova.attention.internal;

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
 * @param layers transformer blocks
 * @param heads attention heads per block
 * @param width model width (d_model)
 * @param context context length
 * @param dropout dropout on the blocks' branch outputs in training
 * @param tieWeights whether the output head is the token embedding
 * @param batch sequences per batch
 * @param train optimiser, schedule, clipping and decay
 * @param evalWindows held-out windows per evaluation (0 = all)
 * @param evalBatch windows per evaluation pass (resolved: {@code eval.batch = 0} reads as the training batch)
 * @param genLength default generated length
 * @param genTemperature default temperature
 * @param genTopK default top-k (0 = off)
 * @param genTopP default top-p (1 = off)
 */
public record Settings(String dataPath, double holdout, int layers, int heads, int width, int context, double dropout,
                       boolean tieWeights, int batch, TrainSettings train, int evalWindows, int evalBatch, int genLength,
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
        p.intRange("model.layers", 1, 64);
        p.intRange("model.heads", 1, 64);
        p.intRange("model.d-model", 1, 8192);
        p.intRange("model.context", 2, 8192);
        p.range("model.dropout", 0.0, 1.0, false);
        p.intRange("train.batch", 1, 100_000);
        TrainSettings.check(p, "train.");
        p.intRange("eval.windows", 0, Integer.MAX_VALUE);
        p.intRange("eval.batch", 0, 100_000);
        p.intRange("generate.length", 0, 10_000_000);
        p.positive("generate.temperature");
        p.intRange("generate.top-k", 0, Integer.MAX_VALUE);
        p.above("generate.top-p", 0, 1);
        if (p.problems().stream().noneMatch(q -> q.path().startsWith("model."))
                && c.getInt("model.d-model") % c.getInt("model.heads") != 0) {
            p.add("model.d-model", "must be a multiple of model.heads (" + c.getInt("model.heads") + "), found "
                    + c.getInt("model.d-model"));
        }
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
            throw new InvalidConfigException(Attention.ID, p);
        }
        return new Settings(c.getString("data.path"), c.getDouble("data.holdout"), c.getInt("model.layers"),
                c.getInt("model.heads"), c.getInt("model.d-model"), c.getInt("model.context"), c.getDouble("model.dropout"),
                c.getBoolean("model.tie-weights"), c.getInt("train.batch"), TrainSettings.of(c, "train."),
                c.getInt("eval.windows"), c.getInt("eval.batch") == 0 ? c.getInt("train.batch") : c.getInt("eval.batch"),
                c.getInt("generate.length"),
                c.getDouble("generate.temperature"), c.getInt("generate.top-k"), c.getDouble("generate.top-p"));
    }

    /**
     * What a checkpoint must match to be restored under a config: every setting that shapes the parameters.
     *
     * @return a one-line description
     */
    public String architecture() {
        return layers + " blocks, " + heads + " heads, d-model " + width + ", context " + context
                + (tieWeights ? ", tied head" : "");
    }
}

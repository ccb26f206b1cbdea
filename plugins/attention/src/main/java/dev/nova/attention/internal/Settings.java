package dev.nova.attention.internal;

import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;
import dev.nova.kit.text.TextDataSettings;
import dev.nova.kit.text.TextGeneration;

/**
 * Every setting of the plugin, read from its config subtree with each key checked as it is read (kit declares the
 * shared sections: {@code data}, {@code train}'s optimiser keys, {@code generate}).
 *
 * @param data the corpus and its held-out fraction ({@code data.*})
 * @param layers transformer blocks
 * @param heads attention heads per block
 * @param width model width (d_model)
 * @param context context length
 * @param dropout dropout on the blocks' branch outputs in training
 * @param tieWeights whether the output head is the token embedding
 * @param window tokens per training and evaluation window ({@code train.window}; 0 in the file reads as the
 *     context): a model of a long context can be trained on shorter windows, as GPT-2 is fine-tuned
 * @param batch sequences per batch
 * @param train optimiser, schedule, clipping and decay
 * @param evalWindows held-out windows per evaluation (0 = all)
 * @param evalBatch windows per evaluation pass (resolved: {@code eval.batch = 0} reads as the training batch)
 * @param generation generation defaults ({@code generate.*})
 */
public record Settings(TextDataSettings data, int layers, int heads, int width, int context, double dropout,
                       boolean tieWeights, int window, int batch, TrainSettings train, int evalWindows, int evalBatch,
                       TextGeneration generation) {

    /**
     * Reads the settings, adding a problem for each key out of range.
     *
     * @param c the checks of the plugin's subtree (with its defaults filled in)
     * @return the settings (with placeholders where a problem was added)
     */
    public static Settings read(Checks c) {
        TextDataSettings data = TextDataSettings.read(c);
        int layers = c.getInt("model.layers", 1, 64);
        int problems = c.problems().size();
        int heads = c.getInt("model.heads", 1, 64);
        int width = c.getInt("model.d-model", 1, 8192);
        if (c.problems().size() == problems && width % heads != 0) {
            c.add("model.d-model", "must be a multiple of model.heads (" + heads + "), found " + width);
        }
        int context = c.getInt("model.context", 2, 8192);
        double dropout = c.getDouble("model.dropout", 0.0, 1.0, false);
        boolean tie = c.getBoolean("model.tie-weights");
        int window = c.getInt("train.window", 0, 8192);
        if (window > context) {
            c.add("train.window", "must be at most model.context (" + context + "), or 0 for the context, found "
                    + window);
        }
        int batch = c.getInt("train.batch", 1, 100_000);
        TrainSettings train = TrainSettings.read(c, "train.");
        int evalWindows = c.getInt("eval.windows", 0, Integer.MAX_VALUE);
        int evalBatch = c.getInt("eval.batch", 0, 100_000);
        return new Settings(data, layers, heads, width, context, dropout, tie,
                window == 0 || window > context ? context : window, batch, train, evalWindows,
                evalBatch == 0 ? batch : evalBatch, TextGeneration.read(c));
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

package dev.nova.textgru.internal;

import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;
import dev.nova.kit.text.TextDataSettings;
import dev.nova.kit.text.TextGeneration;

/**
 * Every setting of the plugin, read from its config subtree with each key checked as it is read (kit declares the
 * shared sections: {@code data}, {@code train}'s optimiser keys, {@code generate}).
 *
 * @param data the corpus and its held-out fraction ({@code data.*})
 * @param embedding embedding width
 * @param layers GRU layers
 * @param hidden GRU width
 * @param dropout dropout between GRU layers
 * @param sequenceLength characters per sequence
 * @param batch sequences per batch
 * @param train optimiser, schedule, clipping and decay ({@code train.*})
 * @param evalBatches held-out batches per evaluation
 * @param generation generation defaults ({@code generate.*})
 */
public record Settings(TextDataSettings data, int embedding, int layers, int hidden, double dropout, int sequenceLength,
                       int batch, TrainSettings train, int evalBatches, TextGeneration generation) {

    /**
     * Reads the settings, adding a problem for each key out of range.
     *
     * @param c the checks of the plugin's subtree (with its defaults filled in)
     * @return the settings (with placeholders where a problem was added)
     */
    public static Settings read(Checks c) {
        return new Settings(TextDataSettings.read(c), c.getInt("model.embedding", 1, 4096), c.getInt("model.layers", 1, 3),
                c.getInt("model.hidden", 1, 8192), c.getDouble("model.dropout", 0.0, 1.0, false),
                c.getInt("train.sequence-length", 1, 100_000), c.getInt("train.batch", 1, 100_000),
                TrainSettings.read(c, "train."), c.getInt("eval.batches", 1, 1_000_000), TextGeneration.read(c));
    }
}

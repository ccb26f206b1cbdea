package dev.nova.audiogru.internal;

import dev.nova.kit.audio.AudioDataSettings;
import dev.nova.kit.audio.AudioGeneration;
import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;

/**
 * Every setting of the plugin, read from its config subtree with each key checked as it is read.
 *
 * @param data the WAV folder, the model's rate and the held-out files ({@code data.*})
 * @param embedding embedding width of the 256 levels
 * @param layers GRU layers
 * @param hidden GRU width
 * @param dropout dropout between GRU layers
 * @param conditioned whether the model is conditioned on the data's classes ({@code model.conditioning = class})
 * @param sequenceLength audio samples per training window
 * @param warmup audio samples before each training window run (without gradients) to find its initial state
 * @param batch windows per batch
 * @param train optimiser, schedule, clipping and decay ({@code train.*})
 * @param evalBatches held-out batches per evaluation
 * @param evalWarmup audio samples before each held-out window run to find its initial state
 * @param generation generation defaults ({@code generate.*})
 */
public record Settings(AudioDataSettings data, int embedding, int layers, int hidden, double dropout, boolean conditioned,
                       int sequenceLength, int warmup, int batch, TrainSettings train, int evalBatches, int evalWarmup,
                       AudioGeneration generation) {

    /**
     * Reads the settings, adding a problem for each key out of range.
     *
     * @param c the checks of the plugin's subtree (with its defaults filled in)
     * @return the settings
     */
    public static Settings read(Checks c) {
        return new Settings(AudioDataSettings.read(c), c.getInt("model.embedding", 1, 4096),
                c.getInt("model.layers", 1, 3), c.getInt("model.hidden", 1, 8192),
                c.getDouble("model.dropout", 0.0, 1.0, false),
                c.getOneOf("model.conditioning", java.util.List.of("none", "class")).equals("class"),
                c.getInt("train.sequence-length", 2, 1_000_000), c.getInt("train.state-warmup", 0, 1_000_000),
                c.getInt("train.batch", 1, 100_000), TrainSettings.read(c, "train."),
                c.getInt("eval.batches", 1, 1_000_000), c.getInt("eval.state-warmup", 0, 1_000_000),
                AudioGeneration.read(c));
    }
}

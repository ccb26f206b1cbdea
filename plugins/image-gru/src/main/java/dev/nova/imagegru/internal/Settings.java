package dev.nova.imagegru.internal;

import dev.nova.kit.image.ImageDataSettings;
import dev.nova.kit.image.ImageEvaluation;
import dev.nova.kit.image.ImageGenerationSettings;
import dev.nova.kit.nn.Activation;
import dev.nova.kit.nn.KlSchedule;
import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;
import java.util.List;

/**
 * Every setting of the plugin, read from its config subtree with each key checked as it is read (kit declares the
 * shared sections: {@code data}, {@code train}'s optimiser and KL keys, {@code eval}, {@code generate}).
 *
 * @param data the images, their size, the held-out fraction and the training limit ({@code data.*})
 * @param encoderMode whether z comes from an encoder (else from the prior)
 * @param conditional whether the initial state sees the class
 * @param latent size of z
 * @param hidden GRU width
 * @param layers GRU layers
 * @param encoder encoder hidden widths
 * @param activation encoder activation
 * @param batch images per batch
 * @param train optimiser, schedule, clipping and decay
 * @param kl the KL term's weight over training (encoder mode)
 * @param freeBits nats per latent dimension free of KL penalty (encoder mode)
 * @param eval held-out images, evaluation batch and IWAE samples ({@code eval.*})
 * @param diversitySamples samples per class for the diversity figures (0 = off)
 * @param bernoulliRows whether generation feeds back Bernoulli draws (else pixel means)
 * @param generation prior temperature and interpolation frames ({@code generate.*})
 */
public record Settings(ImageDataSettings data, boolean encoderMode, boolean conditional, int latent, int hidden,
                       int layers, List<Integer> encoder, String activation, int batch, TrainSettings train, KlSchedule kl,
                       double freeBits, ImageEvaluation eval, int diversitySamples, boolean bernoulliRows,
                       ImageGenerationSettings generation) {

    /** Copies the list. */
    public Settings {
        encoder = List.copyOf(encoder);
    }

    /**
     * Reads the settings, adding a problem for each key out of range.
     *
     * @param c the checks of the plugin's subtree (with its defaults filled in)
     * @return the settings (with placeholders where a problem was added)
     */
    public static Settings read(Checks c) {
        return new Settings(ImageDataSettings.read(c), c.getOneOf("model.latent-mode", List.of("encoder", "prior")).equals("encoder"),
                c.getBoolean("model.conditional"), c.getInt("model.latent", 1, 4096), c.getInt("model.hidden", 1, 8192),
                c.getInt("model.layers", 1, 4), c.getWidths("model.encoder", true, 8, 65_536),
                c.getOneOf("model.activation", Activation.HIDDEN), c.getInt("train.batch", 1, 100_000),
                TrainSettings.read(c, "train."), KlSchedule.read(c, "train."), c.getAtLeast("train.free-bits", 0),
                ImageEvaluation.read(c), c.getInt("eval.diversity-samples", 0, 1000),
                c.getOneOf("generate.rows", List.of("mean", "bernoulli")).equals("bernoulli"), ImageGenerationSettings.read(c));
    }

    /**
     * What a checkpoint must match to be restored under a config: every setting that shapes the parameters.
     *
     * @param classes the number of classes the model conditions on
     * @return a one-line description
     */
    public String architecture(int classes) {
        return "image " + data.imageSize() + "x" + data.imageSize() + ", " + (encoderMode ? "encoder " + encoder + " " + activation
                : "prior") + ", latent " + latent + ", " + (conditional ? classes + " classes" : "unconditional")
                + ", GRU " + layers + "x" + hidden;
    }
}

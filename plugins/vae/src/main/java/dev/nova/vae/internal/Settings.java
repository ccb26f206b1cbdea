package dev.nova.vae.internal;

import dev.nova.kit.image.ImageDataSettings;
import dev.nova.kit.image.ImageEvaluation;
import dev.nova.kit.image.ImageGenerationSettings;
import dev.nova.kit.nn.Activation;
import dev.nova.kit.nn.KlSchedule;
import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.support.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every setting of the plugin, read from its config subtree with each key checked as it is read (kit declares the
 * shared sections: {@code data}, {@code train}'s optimiser and KL keys, {@code eval}, {@code generate}).
 *
 * @param data the images, their size, the held-out fraction and the training limit ({@code data.*})
 * @param encoder encoder hidden widths
 * @param decoder decoder hidden widths (the encoder's reversed when empty in the config)
 * @param latent size of z
 * @param activation {@code relu}, {@code leaky-relu} or {@code tanh}
 * @param likelihood {@code bernoulli} or {@code gaussian}
 * @param gaussianSigma the fixed standard deviation of the gaussian decoder
 * @param batch images per batch
 * @param train optimiser, schedule, clipping and decay ({@code train.*})
 * @param kl the KL term's weight over training ({@code train.beta}, {@code train.kl-warmup-steps})
 * @param eval held-out images, evaluation batch and IWAE samples ({@code eval.*})
 * @param generation prior temperature and interpolation frames ({@code generate.*})
 */
public record Settings(ImageDataSettings data, List<Integer> encoder, List<Integer> decoder, int latent,
                       String activation, String likelihood, double gaussianSigma, int batch, TrainSettings train,
                       KlSchedule kl, ImageEvaluation eval, ImageGenerationSettings generation) {

    /** Copies the lists. */
    public Settings {
        encoder = List.copyOf(encoder);
        decoder = List.copyOf(decoder);
    }

    /**
     * Reads the settings, adding a problem for each key out of range.
     *
     * @param c the checks of the plugin's subtree (with its defaults filled in)
     * @return the settings (with placeholders where a problem was added)
     */
    public static Settings read(Checks c) {
        ImageDataSettings data = ImageDataSettings.read(c);
        List<Integer> encoder = c.getWidths("model.encoder", false, 8, 65_536);
        List<Integer> decoder = c.getWidths("model.decoder", true, 8, 65_536);
        if (decoder.isEmpty()) {
            decoder = new ArrayList<>(encoder);
            Collections.reverse(decoder);
        }
        return new Settings(data, encoder, decoder, c.getInt("model.latent", 1, 4096),
                c.getOneOf("model.activation", Activation.HIDDEN), c.getOneOf("model.likelihood", List.of("bernoulli", "gaussian")),
                c.getPositive("model.gaussian-sigma"), c.getInt("train.batch", 1, 100_000), TrainSettings.read(c, "train."),
                KlSchedule.read(c, "train."), ImageEvaluation.read(c), ImageGenerationSettings.read(c));
    }
}

package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.support.Checks;
import org.apiguardian.api.API;

/**
 * The {@code generate} defaults an image plugin with a latent code shares: how far prior samples spread and how
 * many frames an interpolation strip has. Its keys are declared here once.
 *
 * @param temperature the standard deviation of prior codes ({@code generate.temperature}, &gt; 0)
 * @param interpolationSteps frames of an interpolation strip ({@code generate.steps}, 2 to 1000)
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record ImageGenerationSettings(double temperature, int interpolationSteps) {

    /**
     * Reads and checks {@code generate.temperature} and {@code generate.steps}.
     *
     * @param c the checks of the plugin's subtree
     * @return the settings (placeholders where a problem was added)
     */
    public static ImageGenerationSettings read(Checks c) {
        return new ImageGenerationSettings(c.getPositive("generate.temperature"), c.getInt("generate.steps", 2, 1000));
    }
}

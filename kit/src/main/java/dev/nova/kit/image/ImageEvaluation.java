package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.EvaluationRequest;
import dev.nova.kit.nn.Elbo;
import dev.nova.kit.support.Checks;
import dev.nova.kit.support.Options;
import java.util.List;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * The {@code eval} section of an image plugin with a latent code, and the held-out bound it configures: how many
 * held-out images, how many per forward pass, and the default k of the IWAE bound (the evaluation option
 * {@value #IMPORTANCE_SAMPLES} overrides it). Its keys are declared here once.
 *
 * @param images held-out images per evaluation, 0 for all ({@code eval.images})
 * @param batch images per forward pass ({@code eval.batch})
 * @param importanceSamples default k of the IWAE bound, 0 for none ({@code eval.importance-samples})
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record ImageEvaluation(int images, int batch, int importanceSamples) {

    /** Evaluation option: importance samples of the IWAE bound. */
    public static final String IMPORTANCE_SAMPLES = "importance-samples";

    /**
     * Reads and checks {@code eval.images}, {@code eval.batch} and {@code eval.importance-samples}.
     *
     * @param c the checks of the plugin's subtree
     * @return the settings (placeholders where a problem was added)
     */
    public static ImageEvaluation read(Checks c) {
        return new ImageEvaluation(c.getInt("eval.images", 0, Integer.MAX_VALUE), c.getInt("eval.batch", 1, 100_000),
                c.getInt("eval.importance-samples", 0, 100_000));
    }

    /**
     * The k a request asks for: its {@value #IMPORTANCE_SAMPLES} option, else the configured default.
     *
     * @param pluginId for messages
     * @param request the request (an option other than this one is refused)
     * @return k, 0 for no IWAE bound
     */
    public int importanceSamples(String pluginId, EvaluationRequest request) {
        return Options.of(pluginId, request.options(), List.of(IMPORTANCE_SAMPLES)).integer(IMPORTANCE_SAMPLES, 0, 100_000)
                .orElse(importanceSamples);
    }

    /**
     * How many images of a set an evaluation uses.
     *
     * @param set the evaluated set
     * @return {@link #images()} of them, or all
     */
    public int count(ImageSet set) {
        return images > 0 ? Math.min(images, set.count()) : set.count();
    }

    /**
     * The held-out bound over the first {@link #count} images of a set ({@link Elbo#evaluate}).
     *
     * @param set the evaluated set
     * @param latent size of the model's code
     * @param model the model
     * @param k importance samples (0 = no IWAE bound)
     * @param seed the request's seed (draws the codes)
     * @return the sums
     */
    public Elbo.Estimate elbo(ImageSet set, int latent, Elbo.Model model, int k, long seed) {
        int n = count(set);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        return Elbo.evaluate((from, count, into) -> set.gather(index, from, count, into), n, set.dim(),
                Math.min(batch, n), latent, model, k, new Random(seed));
    }
}

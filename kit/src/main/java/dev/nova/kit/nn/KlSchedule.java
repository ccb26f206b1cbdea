package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.support.Checks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The weight of a latent model's KL term over training: {@code beta} (a β-VAE's), reached linearly over the first
 * {@code warmupSteps} steps. Its keys ({@code beta}, {@code kl-warmup-steps} in a plugin's {@code train} section)
 * are declared here once.
 *
 * @param beta the weight after the warm-up, &gt;= 0
 * @param warmupSteps steps over which the weight rises linearly to beta (0 = from the start)
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record KlSchedule(double beta, int warmupSteps) {

    /**
     * Reads and checks {@code beta} and {@code kl-warmup-steps} of a section.
     *
     * @param c the checks of the plugin's subtree
     * @param prefix the section with a trailing dot, for example {@code train.}
     * @return the schedule (placeholders where a problem was added)
     */
    public static KlSchedule read(Checks c, String prefix) {
        return new KlSchedule(c.getAtLeast(prefix + "beta", 0), c.getInt(prefix + "kl-warmup-steps", 0, Integer.MAX_VALUE));
    }

    /**
     * The KL weight at a step.
     *
     * @param step the 0-based step about to run
     * @return beta, scaled down linearly during the warm-up
     */
    public double weight(long step) {
        return warmupSteps > 0 && step < warmupSteps ? beta * (step + 1) / warmupSteps : beta;
    }

    /**
     * The figures a training step of a latent model reports besides its loss, in order: {@code reconstruction},
     * {@code kl} and {@code kl-weight}.
     *
     * @param loss the step's loss as the network returns it: the weighted total, the reconstruction term, the KL term
     * @param step the 0-based step
     * @return the figures (a new, modifiable map)
     */
    public Map<String, Double> metrics(double[] loss, long step) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("reconstruction", loss[1]);
        m.put("kl", loss[2]);
        m.put("kl-weight", weight(step));
        return m;
    }
}

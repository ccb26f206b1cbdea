package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import dev.nova.kit.support.Checks;
import java.util.List;
import org.apiguardian.api.API;

/**
 * How parameters are updated: the optimiser, the learning-rate schedule (linear warm-up, then cosine decay to a
 * floor), global-norm gradient clipping and weight decay. Read from a config section with the keys
 * {@code optimizer}, {@code learning-rate}, {@code warmup-steps}, {@code decay-steps}, {@code min-learning-rate},
 * {@code gradient-clip} and {@code weight-decay} (a plugin's {@code train} section, say).
 *
 * @param optimizer {@code adam} (L2 penalty added to the gradient) or {@code adamw} (decoupled weight decay)
 * @param learningRate the peak learning rate
 * @param warmupSteps steps of linear warm-up (0 = none)
 * @param decaySteps the step where the cosine decay reaches the floor (0 = constant after warm-up)
 * @param minLearningRate the floor of the decay
 * @param gradientClip the largest global gradient norm (0 = no clipping)
 * @param weightDecay the weight decay coefficient
 * @param beta2 Adam's second-moment decay (0.999 unless the section has a {@code beta2} key; small-batch models
 *     such as nanoGPT's use 0.99)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TrainSettings(String optimizer, double learningRate, int warmupSteps, int decaySteps,
                            double minLearningRate, double gradientClip, double weightDecay, double beta2) {

    /** The optimisers. */
    public static final List<String> OPTIMIZERS = List.of("adam", "adamw");

    /**
     * Settings with Adam's default β2 of 0.999.
     *
     * @param optimizer {@code adam} or {@code adamw}
     * @param learningRate the peak learning rate
     * @param warmupSteps steps of linear warm-up
     * @param decaySteps the step where the cosine decay reaches the floor (0 = constant)
     * @param minLearningRate the floor of the decay
     * @param gradientClip the largest global gradient norm (0 = none)
     * @param weightDecay the weight decay coefficient
     */
    public TrainSettings(String optimizer, double learningRate, int warmupSteps, int decaySteps, double minLearningRate,
                         double gradientClip, double weightDecay) {
        this(optimizer, learningRate, warmupSteps, decaySteps, minLearningRate, gradientClip, weightDecay, 0.999);
    }

    /** Checks the arguments. */
    public TrainSettings {
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new IllegalArgumentException("optimizer must be adam or adamw, found " + optimizer);
        }
    }

    /**
     * Reads and checks a section's keys, adding each problem under {@code prefix + key} ({@code beta2} only where
     * the plugin's reference defines it; 0.999 otherwise).
     *
     * @param c the checks of the plugin's subtree
     * @param prefix the section with a trailing dot, for example {@code train.}
     * @return the settings (placeholders where a problem was added)
     * @since 1.3
     */
    public static TrainSettings read(Checks c, String prefix) {
        return new TrainSettings(c.getOneOf(prefix + "optimizer", OPTIMIZERS), c.getPositive(prefix + "learning-rate"),
                c.getInt(prefix + "warmup-steps", 0, Integer.MAX_VALUE), c.getInt(prefix + "decay-steps", 0, Integer.MAX_VALUE),
                c.getAtLeast(prefix + "min-learning-rate", 0), c.getAtLeast(prefix + "gradient-clip", 0),
                c.getAtLeast(prefix + "weight-decay", 0),
                c.config().hasPath(prefix + "beta2") ? c.getDouble(prefix + "beta2", 0, 1, false) : 0.999);
    }

    /**
     * Checks a section's keys, adding each problem under {@code prefix + key}: {@link #read(Checks, String)}
     * without the result.
     *
     * @param c the checks of the plugin's subtree
     * @param prefix the section with a trailing dot, for example {@code train.}
     */
    public static void check(Checks c, String prefix) {
        read(c, prefix);
    }

    /**
     * Reads a section (already checked).
     *
     * @param config the plugin's subtree
     * @param prefix the section with a trailing dot, for example {@code train.}
     * @return the settings
     * @throws IllegalArgumentException if a key is out of range (check first, to report it as the plugin's)
     */
    public static TrainSettings of(Config config, String prefix) {
        Checks c = new Checks(config);
        TrainSettings s = read(c, prefix);
        if (!c.problems().isEmpty()) {
            throw new IllegalArgumentException("unchecked training settings: " + c.problems());
        }
        return s;
    }

    /**
     * The learning rate at a step: linear warm-up, then cosine decay to the floor, then the floor.
     *
     * @param step the 0-based step about to run
     * @return the rate
     */
    public double learningRate(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        if (decaySteps <= 0) {
            return learningRate;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, decaySteps - warmupSteps));
        return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress));
    }

    /**
     * Settings, in a plugin's subtree, under which this optimiser's gradient clipping, warm-up and decay all take
     * effect within the TCK's 20 data-parallel steps: a plugin that trains with {@code train.*} of kit declares them
     * with {@code ConformanceProfile.withOptimizerSettings} (TCK rule 9.6).
     *
     * @return {@code train { gradient-clip = 0.01, warmup-steps = 5, decay-steps = 15 }}
     * @since 1.3
     */
    public static com.typesafe.config.Config engagedForConformance() {
        return com.typesafe.config.ConfigFactory.parseString(
                "train { gradient-clip = 0.01, warmup-steps = 5, decay-steps = 15 }");
    }
}

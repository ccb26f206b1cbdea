package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * How a {@link FineTuning} starts a model from its parent.
 *
 * @param parent the parent's checkpoint payload, as {@link GenerativeModel#save} wrote it; the host closes it
 * @param parentConfig the plugin's subtree of the parent run's configuration, as saved with the checkpoint: the
 *     plugin compares its {@linkplain FineTuning#architecture() architecture settings} with the new configuration's
 * @param carryOptimizerState whether the optimiser starts from the parent's state (its moments, for the parameters
 *     whose shapes did not change) instead of afresh; the step count and the learning-rate schedule start at 0 either way
 * @param notices receives one-line messages for the user (what grew, and by which characters or classes)
 * @param parentTrainingState the parent's training state, as {@link GenerativeModel#save(java.io.OutputStream,
 *     java.io.OutputStream)} wrote it apart from its payload, when the optimiser state is carried and the parent's
 *     checkpoint holds it apart (since 1.4); the host closes it
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record FineTuneRequest(InputStream parent, Config parentConfig, boolean carryOptimizerState, Consumer<String> notices,
                              Optional<InputStream> parentTrainingState) {

    /** Checks the arguments. */
    public FineTuneRequest {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(parentConfig, "parentConfig");
        Objects.requireNonNull(notices, "notices");
        Objects.requireNonNull(parentTrainingState, "parentTrainingState");
    }

    /**
     * A request whose parent holds everything in its payload (API 1.3's form).
     *
     * @param parent the parent's payload
     * @param parentConfig the plugin's subtree of the parent's configuration
     * @param carryOptimizerState whether the optimiser starts from the parent's state
     * @param notices receives one-line messages for the user
     */
    public FineTuneRequest(InputStream parent, Config parentConfig, boolean carryOptimizerState, Consumer<String> notices) {
        this(parent, parentConfig, carryOptimizerState, notices, Optional.empty());
    }

    /**
     * A request with a fresh optimiser whose notices are dropped.
     *
     * @param parent the parent's payload
     * @param parentConfig the plugin's subtree of the parent's configuration
     * @return the request
     */
    public static FineTuneRequest of(InputStream parent, Config parentConfig) {
        return new FineTuneRequest(parent, parentConfig, false, notice -> { });
    }
}

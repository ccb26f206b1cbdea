package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A request to evaluate a model.
 *
 * @param data a file or folder to evaluate on, or empty for the plugin's own held-out split
 * @param seed the seed for any sampling the evaluation does (importance samples, ...)
 * @param options plugin-specific options, possibly empty
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record EvaluationRequest(Optional<Path> data, long seed, Map<String, Object> options) {

    /** Copies the options. */
    public EvaluationRequest {
        options = Map.copyOf(options);
    }

    /**
     * Evaluates on the held-out split.
     *
     * @param seed the seed
     * @return the request
     */
    public static EvaluationRequest heldOut(long seed) {
        return new EvaluationRequest(Optional.empty(), seed, Map.of());
    }
}

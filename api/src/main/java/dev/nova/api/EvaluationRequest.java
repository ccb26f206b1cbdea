package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A request to evaluate a model.
 *
 * @param data a file or folder to evaluate on, or empty for the plugin's own held-out split; {@code nova evaluate}
 *     hands it over absolute, resolved against the directory the command ran in (not the run's base directory),
 *     so a plugin reads it as it is
 * @param seed the seed for any sampling the evaluation does (importance samples, ...)
 * @param options plugin-specific options, possibly empty
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GenerativeModel} takes it, and it has not changed
 * since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
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

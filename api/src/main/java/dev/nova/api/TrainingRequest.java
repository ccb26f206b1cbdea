package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A request to run a number of training steps.
 *
 * @param steps the most steps to run, at least 1
 * @param cancellation checked by the model at least once per step
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GenerativeModel} takes it, and it has not changed
 * since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public record TrainingRequest(long steps, Cancellation cancellation) {

    /** Checks the arguments. */
    public TrainingRequest {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, found " + steps);
        }
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /**
     * A request for {@code steps} steps that is never cancelled.
     *
     * @param steps the number of steps
     * @return the request
     */
    public static TrainingRequest of(long steps) {
        return new TrainingRequest(steps, new Cancellation());
    }
}

package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A cancellation flag shared between the host, which sets it, and a model, which polls it.
 *
 * <p>Thread-safe.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public final class Cancellation {

    private volatile boolean cancelled;

    /** Creates a flag that is not cancelled. */
    public Cancellation() {
    }

    /** Asks the work to stop; idempotent. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Tells whether {@link #cancel()} was called.
     *
     * @return {@code true} once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }
}

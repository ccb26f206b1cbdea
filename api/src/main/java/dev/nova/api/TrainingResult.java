package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What one call to {@link GenerativeModel#train} did.
 *
 * @param stepsRun how many steps ran in this call
 * @param cancelled whether the call stopped early because it was cancelled
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GenerativeModel} returns it, and it has not
 * changed since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public record TrainingResult(long stepsRun, boolean cancelled) {
}

package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What one call to {@link GenerativeModel#train} did.
 *
 * @param stepsRun how many steps ran in this call
 * @param cancelled whether the call stopped early because it was cancelled
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TrainingResult(long stepsRun, boolean cancelled) {
}

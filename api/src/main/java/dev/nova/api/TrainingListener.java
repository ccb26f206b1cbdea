package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Receives a model's progress during {@link GenerativeModel#train}; called on the training thread.
 *
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GenerativeModel} takes it, and it has not changed
 * since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
@FunctionalInterface
public interface TrainingListener {

    /**
     * Called once after each completed step, with strictly increasing {@link StepEvent#step()}.
     *
     * @param event what the step did
     */
    void onStep(StepEvent event);

    /** A listener that ignores every event. */
    TrainingListener NONE = event -> { };
}

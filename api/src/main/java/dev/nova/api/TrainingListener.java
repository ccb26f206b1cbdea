package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Receives a model's progress during {@link GenerativeModel#train}; called on the training thread.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
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

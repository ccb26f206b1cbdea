package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * One completed training step.
 *
 * @param step the model's step count after this step (1 for the first step of a fresh model)
 * @param loss the training loss of the step's batch, in nats per item (character, image...)
 * @param items how many items the step consumed (tokens for text, images for images), for throughput
 * @param extras further named figures (learning rate, gradient norm, {@link #MODEL_FLOPS}...), possibly empty
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link TrainingListener} receives it, and it has not
 * changed since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public record StepEvent(long step, double loss, long items, Map<String, Double> extras) {

    /**
     * The extra that carries the step's model FLOPs: the floating-point operations of its matrix products, forward
     * and backward, and of the optimiser's update (not element-wise work). The host reports model FLOPs per second
     * from it, so that a user sees how close to the machine's peak a run is; a plugin that does not count its
     * FLOPs leaves it out.
     *
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public static final String MODEL_FLOPS = "model-flops";

    /** Copies {@code extras}. */
    public StepEvent {
        extras = Map.copyOf(extras);
    }

    /**
     * An event without extras.
     *
     * @param step the step count
     * @param loss the batch loss
     * @param items items consumed
     * @return the event
     */
    public static StepEvent of(long step, double loss, long items) {
        return new StepEvent(step, loss, items, Map.of());
    }
}

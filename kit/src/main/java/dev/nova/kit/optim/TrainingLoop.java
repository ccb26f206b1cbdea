package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apiguardian.api.API;

/**
 * The steps of one {@code GenerativeModel.train} call: cancellation before each step, the plugin's forward and
 * backward pass, a non-finite loss turned into a {@link PluginException} that says what to change, the {@link Adam}
 * update, and one {@link StepEvent} per step with the learning rate and the gradient norm added to the plugin's
 * metrics.
 *
 * <pre>{@code
 * public TrainingResult train(TrainingRequest request, TrainingListener listener) {
 *     return TrainingLoop.run(ID, request, listener, adam, step, s -> step = s,
 *             s -> new TrainingLoop.Step(network.lossAndGradients(batchAt(s)), tokensPerStep));
 * }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TrainingLoop {

    private TrainingLoop() {
    }

    /**
     * What one step computed.
     *
     * @param loss the training loss
     * @param items the items it covered (tokens, images)
     * @param metrics further metrics, in the order to report them
     */
    public record Step(double loss, long items, Map<String, Double> metrics) {

        /**
         * A step with no further metrics.
         *
         * @param loss the training loss
         * @param items the items it covered
         */
        public Step(double loss, long items) {
            this(loss, items, Map.of());
        }
    }

    /** One step's forward and backward pass, leaving the gradients in the optimiser's parameter set. */
    @FunctionalInterface
    public interface Body {
        /**
         * Computes a step.
         *
         * @param step the 0-based step (batches and random draws are keyed by it)
         * @return what it computed
         */
        Step run(long step);
    }

    /**
     * Runs the steps a request asks for.
     *
     * @param pluginId for messages
     * @param request how many steps, and the cancellation
     * @param listener receives one event per step
     * @param optimizer applies each step's update
     * @param first the model's step count before this call
     * @param advanced told the model's new step count after each step
     * @param body one step's forward and backward pass
     * @return the steps run, and whether the request was cancelled
     * @throws PluginException if the loss is not finite
     */
    public static TrainingResult run(String pluginId, TrainingRequest request, TrainingListener listener, Adam optimizer,
                                     long first, LongConsumer advanced, Body body) {
        long step = first;
        long done = 0;
        while (done < request.steps()) {
            if (request.cancellation().isCancelled()) {
                return new TrainingResult(done, true);
            }
            Step s = body.run(step);
            if (!Double.isFinite(s.loss())) {
                throw nonFinite(pluginId, s.loss(), step);
            }
            double norm = optimizer.apply(step);
            step++;
            done++;
            advanced.accept(step);
            Map<String, Double> metrics = new LinkedHashMap<>(s.metrics());
            metrics.put("learning-rate", optimizer.settings().learningRate(step - 1));
            metrics.put("grad-norm", norm);
            listener.onStep(new StepEvent(step, s.loss(), s.items(), metrics));
        }
        return new TrainingResult(done, false);
    }

    static PluginException nonFinite(String pluginId, double loss, long step) {
        return new PluginException(pluginId, "training loss became " + loss + " at step " + (step + 1)
                + "; lower train.learning-rate or set train.gradient-clip");
    }
}

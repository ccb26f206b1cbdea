package dev.nova.host.internal.run;

import java.util.Map;
import java.util.Optional;

/**
 * Decides when a run has diverged, for every plugin alike: a training or held-out loss (or any held-out metric)
 * that is not finite, or a loss above {@code nova.train.divergence-factor} times the loss of the untrained model.
 * The untrained model's loss is the loss of the run's first step (recorded in every checkpoint as
 * {@code reference-loss}; a checkpoint written before Nova recorded it takes the first step after resuming).
 *
 * <p>A model that has diverged is never written as a checkpoint: the loop stops, keeping the last good one.
 */
final class Divergence {

    private final double factor;
    private double reference;

    /**
     * Creates the watch.
     *
     * @param factor how many times the reference loss a loss may reach; 0 turns the comparison off
     * @param reference the run's reference loss, or NaN when it is not known yet
     */
    Divergence(double factor, double reference) {
        this.factor = factor;
        this.reference = Double.isFinite(reference) ? reference : Double.NaN;
    }

    /** The loss of the untrained model (the run's first step), or NaN before it is known. */
    double reference() {
        return reference;
    }

    /**
     * Checks one training step's loss.
     *
     * @param step the step
     * @param loss its training loss
     * @return what is wrong, if the run has diverged
     */
    Optional<String> step(long step, double loss) {
        if (!Double.isFinite(loss)) {
            return Optional.of("the training loss of step " + step + " is " + loss);
        }
        if (Double.isNaN(reference)) {
            reference = loss;
            return Optional.empty();
        }
        return tooHigh("the training loss of step " + step, loss);
    }

    /**
     * Checks an evaluation.
     *
     * @param step the step evaluated
     * @param metrics the held-out metrics
     * @return what is wrong, if the run has diverged
     */
    Optional<String> evaluation(long step, Map<String, Double> metrics) {
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                return Optional.of("the held-out " + e.getKey() + " at step " + step + " is " + e.getValue());
            }
        }
        Double loss = metrics.get("loss");
        return loss == null ? Optional.empty() : tooHigh("the held-out loss at step " + step, loss);
    }

    /** The threshold: {@code reference + (factor - 1)·max(|reference|, 1)}, which is factor × reference above 1. */
    private Optional<String> tooHigh(String what, double loss) {
        if (factor == 0 || Double.isNaN(reference)) {
            return Optional.empty();
        }
        double limit = reference + (factor - 1) * Math.max(Math.abs(reference), 1);
        if (loss <= limit) {
            return Optional.empty();
        }
        return Optional.of(what + " is " + String.format("%.6g", loss) + ", above " + format(factor)
                + " times the untrained model's " + String.format("%.4g", reference)
                + " (nova.train.divergence-factor)");
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}

package dev.nova.host.internal.run;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.support.PluginCalls;
import dev.nova.host.internal.support.RunFailedException;
import dev.nova.host.internal.support.Terminal;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;

/** {@code nova evaluate}: the plugin's metrics of the plan's checkpoint, one per line on standard output. */
public final class Evaluator {

    private final RunPlan plan;
    private final ModelLoader loader;
    private final Terminal terminal;

    /**
     * Creates the evaluator.
     *
     * @param plan the plan (its checkpoint)
     * @param loader restores the model
     * @param terminal where the metrics go
     */
    @Inject
    public Evaluator(RunPlan plan, ModelLoader loader, Terminal terminal) {
        this.plan = plan;
        this.loader = loader;
        this.terminal = terminal;
    }

    /**
     * Evaluates the checkpoint.
     *
     * @param request what to evaluate on
     * @return the metrics, also printed
     * @throws RunFailedException after printing them, if a metric is NaN or infinite (exit code 1)
     */
    public Map<String, Double> evaluate(EvaluationRequest request) {
        Path work = ModelLoader.scratch();
        try (GenerativeModel model = loader.restore(loader.context(work))) {
            Map<String, Double> m = PluginCalls.call(plan.pluginId(), plan.provider().getClass(), "evaluate",
                    () -> model.evaluate(request));
            m.forEach((k, v) -> terminal.out().printf("%-24s %.6f%n", k, v));
            m.forEach((k, v) -> {
                if (v == null || !Double.isFinite(v)) {
                    throw new RunFailedException("the model of " + plan.checkpoint().orElseThrow().file() + " gives "
                            + k + " = " + v + ": it has diverged (or the data is not what it was trained on)", null);
                }
            });
            return m;
        } finally {
            ModelLoader.deleteQuietly(work);
        }
    }
}

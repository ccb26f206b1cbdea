package dev.nova.host.internal.run;

import dev.nova.api.GenerativeModel;
import dev.nova.api.Tuning;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.model.OpenModel;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.support.UsageException;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * {@code nova inspect CHECKPOINT --parameters}: the parameters the plugin declares for the checkpoint's model (the
 * names {@code nova.finetune.freeze} patterns match), with shapes and counts.
 */
public final class ParameterListing {

    private final RunPlan plan;
    private final ModelLoader loader;

    /**
     * Creates the listing.
     *
     * @param plan the plan (its checkpoint)
     * @param loader restores the model
     */
    @Inject
    public ParameterListing(RunPlan plan, ModelLoader loader) {
        this.plan = plan;
        this.loader = loader;
    }

    /**
     * Restores the checkpoint's model and lists its parameters.
     *
     * @return the parameters, in the model's order
     * @throws UsageException naming the plugin when its models do not declare their parameters
     */
    public List<Tuning.Parameter> parameters() {
        try (OpenModel model = loader.open()) {
            Optional<Tuning> tuning = model.model().tuning();
            if (tuning.isEmpty()) {
                throw new UsageException("plugin '" + plan.pluginId() + "' does not declare its parameters"
                        + " (GenerativeModel.tuning(), plugin API 1.3)");
            }
            return tuning.get().parameters();
        }
    }
}

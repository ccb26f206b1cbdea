package dev.nova.host.internal.model;

import dev.nova.api.PluginInfo;
import dev.nova.host.internal.plan.RunPlan;
import java.nio.file.Path;

/**
 * A checkpoint's model restored outside a run ({@code generate}, {@code evaluate}, {@code serve}, the embedding API):
 * verified and restored as every load is, with a work folder of its own that {@link #close} removes.
 */
public final class OpenModel implements AutoCloseable {

    private final RunPlan plan;
    private final GuardedModel model;
    private final Path work;
    private boolean closed;

    OpenModel(RunPlan plan, GuardedModel model, Path work) {
        this.plan = plan;
        this.model = model;
        this.work = work;
    }

    /** The plan: plugin, configuration, checkpoint. */
    public RunPlan plan() {
        return plan;
    }

    /** The plugin. */
    public PluginInfo info() {
        return plan.info();
    }

    /** The restored model. */
    public GuardedModel model() {
        return model;
    }

    /** Closes the model (once) and removes its work folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            model.close();
        } finally {
            ModelLoader.deleteQuietly(work);
        }
    }
}

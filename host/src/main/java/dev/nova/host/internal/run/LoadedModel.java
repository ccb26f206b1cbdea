package dev.nova.host.internal.run;

import dev.nova.api.GenerativeModel;
import dev.nova.host.internal.plan.RunPlan;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * A checkpoint's model restored for an application that embeds Nova ({@code dev.nova.host.embed}): verified and
 * restored as {@code nova generate} restores it, with a work folder of its own that {@link #close} deletes.
 */
public final class LoadedModel implements AutoCloseable {

    private final RunPlan plan;
    private final ModelLoader loader;
    private Path work;
    private GenerativeModel model;

    /**
     * Creates the loader of the plan's checkpoint.
     *
     * @param plan the plan (its checkpoint)
     * @param loader restores the model
     */
    @Inject
    public LoadedModel(RunPlan plan, ModelLoader loader) {
        this.plan = plan;
        this.loader = loader;
    }

    /**
     * Restores the model (once).
     *
     * @return this
     */
    public synchronized LoadedModel open() {
        if (model == null) {
            work = ModelLoader.scratch();
            try {
                model = loader.restore(loader.context(work));
            } catch (RuntimeException e) {
                ModelLoader.deleteQuietly(work);
                throw e;
            }
        }
        return this;
    }

    /** The plan: plugin, configuration, checkpoint. */
    public RunPlan plan() {
        return plan;
    }

    /** The restored model. */
    public GenerativeModel model() {
        return model;
    }

    @Override
    public synchronized void close() {
        if (model != null) {
            try {
                model.close();
            } finally {
                model = null;
                ModelLoader.deleteQuietly(work);
            }
        }
    }
}

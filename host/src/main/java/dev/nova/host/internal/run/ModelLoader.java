package dev.nova.host.internal.run;

import dev.nova.api.CheckpointException;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.support.PluginCalls;
import dev.nova.host.internal.support.TemporaryPaths;
import dev.nova.host.internal.support.UsageException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Makes the model a plan runs: a fresh one from the plugin's configuration, or one restored from the plan's
 * checkpoint (its payload verified against the manifest as it is read). Every call goes through
 * {@link PluginCalls}, so that whatever the plugin throws names it.
 */
public final class ModelLoader {

    private final RunPlan plan;

    /**
     * Creates the loader.
     *
     * @param plan the command's plan
     */
    @Inject
    public ModelLoader(RunPlan plan) {
        this.plan = plan;
    }

    /** A context for the plan's model, with a work folder. */
    ModelContext context(Path work) {
        return ModelContext.of(plan.host().seed(), work.toAbsolutePath(), plan.baseDirectory());
    }

    /** A fresh model. */
    GenerativeModel create(ModelContext context) {
        GenerativeModel model = PluginCalls.call(plan.pluginId(), plan.provider().getClass(), "create",
                () -> plan.provider().create(plan.pluginConfig(), context));
        if (model == null) {
            throw new PluginException(plan.pluginId(), "create returned null");
        }
        return model;
    }

    /** The model of the plan's checkpoint. */
    GenerativeModel restore(ModelContext context) {
        Checkpoint ckpt = plan.checkpoint().orElseThrow();
        for (int attempt = 1; ; attempt++) {
            InputStream payload;
            try {
                payload = ckpt.openPayload();
            } catch (Checkpoint.ReplacedException e) {
                // A run that is training wrote a newer checkpoint since the plan read this one: use that one.
                if (attempt >= 10) {
                    throw e;
                }
                ckpt = Checkpoint.read(ckpt.file());
                continue;
            }
            try (InputStream in = payload) {
                return PluginCalls.call(plan.pluginId(), plan.provider().getClass(), "restore",
                        () -> plan.provider().restore(plan.pluginConfig(), context, in));
            } catch (CheckpointException e) {
                // The payload is bad input (a newer format, another model's, a diverged model's): exit code 2.
                throw new UsageException("checkpoint " + ckpt.file() + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A scratch folder for a model that is not part of a run (generate, evaluate), removed by
     * {@link #deleteQuietly}, or on SIGINT/SIGTERM if the command is stopped first.
     */
    static Path scratch() {
        return TemporaryPaths.directory("nova-work");
    }

    static void deleteQuietly(Path dir) {
        TemporaryPaths.delete(dir);
    }
}

package dev.nova.host.internal.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.FineTuning;
import dev.nova.api.GenerativeModel;
import dev.nova.api.OpenWeights;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.support.PluginCalls;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.TemporaryPaths;
import dev.nova.host.internal.support.UsageException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The one door into a plugin's model: makes the model a plan runs, a fresh one from the plugin's configuration, a
 * fine-tuning run's from its parent, or one restored from the plan's checkpoint (its payload verified against the
 * manifest as it is read), and hands it out {@linkplain GuardedModel guarded}, so that whatever the plugin throws from
 * any of its methods names it.
 */
public final class ModelLoader {

    private final RunPlan plan;
    private final Terminal terminal;

    /**
     * Creates the loader.
     *
     * @param plan the command's plan
     * @param terminal where a fine-tuning plugin's notices go
     */
    @Inject
    public ModelLoader(RunPlan plan, Terminal terminal) {
        this.plan = plan;
        this.terminal = terminal;
    }

    /** The plan's plugin. */
    public String pluginId() {
        return plan.pluginId();
    }

    /** A context for the plan's model, with a work folder. */
    public ModelContext context(Path work) {
        return ModelContext.of(plan.host().seed(), work.toAbsolutePath(), plan.baseDirectory());
    }

    /** A fresh model, or a fine-tuning run's model from its parent's checkpoint. */
    public GuardedModel create(ModelContext context) {
        if (plan.parent().isPresent()) {
            return guard(fineTune(context, plan.parent().get()));
        }
        GenerativeModel model = plugin("create",
                () -> plan.provider().create(plan.pluginConfig(), context));
        if (model == null) {
            throw new PluginException(plan.pluginId(), "create returned null");
        }
        return guard(model);
    }

    /**
     * A model of published weights ({@code nova import}), made by the plugin's capability from the plan's
     * configuration.
     *
     * @param context the model's context
     * @param weights the capability
     * @param family the family
     * @param folder the folder of the published model
     * @return the model at step 0
     */
    public GuardedModel importModel(ModelContext context, OpenWeights weights, String family, Path folder) {
        GenerativeModel model = plugin("openWeights().create",
                () -> weights.create(family, folder, plan.pluginConfig(), context));
        if (model == null) {
            throw new PluginException(plan.pluginId(), "openWeights().create returned null");
        }
        return guard(model);
    }

    /**
     * The files a model of published weights is made from, as the plugin names them.
     *
     * @param weights the capability
     * @param family the family
     * @param folder the folder
     * @return the files, the weights first
     */
    public java.util.List<Path> importedFiles(OpenWeights weights, String family, Path folder) {
        return plugin("openWeights().files",
                () -> java.util.List.copyOf(weights.files(family, folder)));
    }

    /**
     * A plugin's capability to read published weights of a family, and its settings for a folder: what
     * {@code nova import} plans a run with.
     *
     * @param entry the plugin
     * @param family the family
     * @return the capability, if the plugin reads that family
     */
    public static java.util.Optional<OpenWeights> openWeights(dev.nova.host.internal.discovery.PluginEntry entry,
                                                              String family) {
        return families(entry).contains(family) ? openWeights(entry) : java.util.Optional.empty();
    }

    /**
     * The families of published weights a plugin reads.
     *
     * @param entry the plugin
     * @return the families, empty when it reads none
     */
    public static java.util.List<String> families(dev.nova.host.internal.discovery.PluginEntry entry) {
        return openWeights(entry).map(w -> plugin(entry, "openWeights().families",
                () -> java.util.List.copyOf(w.families()))).orElse(java.util.List.of());
    }

    private static java.util.Optional<OpenWeights> openWeights(dev.nova.host.internal.discovery.PluginEntry entry) {
        var provider = entry.provider().orElseThrow();
        return plugin(entry, "openWeights", () -> {
            java.util.Optional<OpenWeights> w = provider.openWeights();
            return w == null ? java.util.Optional.<OpenWeights>empty() : w;
        });
    }

    /**
     * The plugin's settings for a folder of published weights.
     *
     * @param entry the plugin
     * @param weights its capability
     * @param family the family
     * @param folder the folder
     * @return the plugin's subtree
     */
    public static Config importSettings(dev.nova.host.internal.discovery.PluginEntry entry, OpenWeights weights,
                                        String family, Path folder) {
        String id = entry.info().map(dev.nova.api.PluginInfo::id).orElse("?");
        Config c = plugin(entry, "openWeights().settings",
                () -> weights.settings(family, folder));
        if (c == null) {
            throw new PluginException(id, "openWeights().settings returned null");
        }
        return c;
    }

    /**
     * The plan's plugin's capability for published weights, if it has one.
     *
     * @return the capability
     */
    public java.util.Optional<OpenWeights> openWeights() {
        return openWeights(plan.plugin());
    }

    /**
     * The families a plugin writes, each with its formats ({@code nova export}).
     *
     * @param weights the plan's plugin's capability
     * @return family to formats, for the families with any
     */
    public java.util.Map<String, java.util.List<OpenWeights.Format>> exportFormats(OpenWeights weights) {
        java.util.Map<String, java.util.List<OpenWeights.Format>> out = new java.util.TreeMap<>();
        for (String family : plugin("openWeights().families", () -> java.util.List.copyOf(weights.families()))) {
            java.util.List<OpenWeights.Format> f = plugin("openWeights().exportFormats",
                    () -> weights.exportFormats(family));
            if (f != null && !f.isEmpty()) {
                out.put(family, java.util.List.copyOf(f));
            }
        }
        return out;
    }

    /**
     * Has the plugin write an opened model as published weights into an empty folder.
     *
     * @param weights the capability
     * @param model the model, opened by this loader
     * @param family the family
     * @param format the format
     * @param precision the precision
     * @param folder the empty folder
     * @return the files the plugin says it wrote, each checked to be a file in the folder
     */
    public java.util.List<Path> export(OpenWeights weights, OpenModel model, String family, OpenWeights.Format format,
                                       OpenWeights.Precision precision, Path folder) {
        java.util.List<Path> files = plugin("openWeights().export", () -> weights.export(family,
                model.model().unguarded(), format, precision, folder));
        if (files == null || files.isEmpty() || (format == OpenWeights.Format.GGUF && files.size() != 1)) {
            throw new PluginException(plan.pluginId(), "openWeights().export returned " + files + "; expected the files"
                    + " written" + (format == OpenWeights.Format.GGUF ? " (one GGUF file)" : ""));
        }
        for (Path f : files) {
            Path p = folder.resolve(f).normalize();
            if (!p.getParent().equals(folder.normalize()) || !java.nio.file.Files.isRegularFile(p)) {
                throw new PluginException(plan.pluginId(), "openWeights().export returned " + f + ", which is not a file"
                        + " it wrote in " + folder);
            }
        }
        return java.util.List.copyOf(files);
    }

    /** A call into the plan's plugin, guarded ({@link PluginCalls}). */
    private <T> T plugin(String what, java.util.function.Supplier<T> body) {
        return PluginCalls.call(plan.pluginId(), plan.provider().getClass(), what, body);
    }

    /** A call into a discovered plugin, guarded ({@link PluginCalls}). */
    private static <T> T plugin(dev.nova.host.internal.discovery.PluginEntry entry, String what,
                                java.util.function.Supplier<T> body) {
        String id = entry.info().map(dev.nova.api.PluginInfo::id).orElse("?");
        return PluginCalls.call(id, entry.provider().orElseThrow().getClass(), what, body);
    }

    private GuardedModel guard(GenerativeModel model) {
        return GuardedModel.of(plan.pluginId(), plan.provider().getClass(), model);
    }

    /** A model whose parameters are the parent's ({@code nova.init-from}); what grew is said on standard error. */
    private GenerativeModel fineTune(ModelContext context, Checkpoint parent) {
        FineTuning fineTuning = plan.fineTuning();
        String p = "plugins." + plan.pluginId();
        Config parentConfig = parent.config().hasPath(p) ? parent.config().getConfig(p) : ConfigFactory.empty();
        // The parent's training state is read only when its optimiser state is carried.
        boolean state = plan.carryOptimizer();
        GenerativeModel model = withPayload(parent, "nova.init-from: checkpoint ", state, (in, training) ->
                plugin("fineTuning().create", () -> fineTuning.create(plan.pluginConfig(), context,
                        new FineTuneRequest(in, parentConfig, plan.carryOptimizer(),
                                notice -> terminal.err().println("nova: " + plan.pluginId() + ": " + notice),
                                training))));
        if (model == null) {
            throw new PluginException(plan.pluginId(), "fineTuning().create returned null");
        }
        return model;
    }

    /** The model of the plan's checkpoint, with its training state: to train on. */
    public GuardedModel restore(ModelContext context) {
        return restore(context, true);
    }

    /**
     * The model of the plan's checkpoint, with its training state (to train on) or without it (to generate and
     * evaluate: the training state is neither read nor checked).
     */
    private GuardedModel restore(ModelContext context, boolean forTraining) {
        Checkpoint checkpoint = plan.checkpoint().orElseThrow();
        return guard(withPayload(checkpoint, "checkpoint ", forTraining, (in, training) -> plugin("restore", () ->
                forTraining && training.isEmpty()
                        // an earlier format's payload holds everything
                        ? plan.provider().restore(plan.pluginConfig(), context, in)
                        : plan.provider().restore(plan.pluginConfig(), context, in, training))));
    }

    /**
     * The model of the plan's checkpoint in a scratch folder of its own, for a command or an application that is not
     * a run (generate, evaluate, serve, the embedding API); closing it closes the model and removes the folder.
     *
     * @return the opened model
     */
    public OpenModel open() {
        Path work = scratch();
        try {
            return new OpenModel(plan, restore(context(work), false), work);
        } catch (RuntimeException e) {
            deleteQuietly(work);
            throw e;
        }
    }

    /**
     * Hands a checkpoint's payload to the plugin: read again when a run that is training replaced the file since the
     * plan read it; a payload the plugin refuses is bad input (exit code 2), named by the file.
     */
    private static GenerativeModel withPayload(Checkpoint checkpoint, String what, boolean withTrainingState,
                                               BiFunction<InputStream, Optional<InputStream>, GenerativeModel> read) {
        Checkpoint ckpt = checkpoint;
        for (int attempt = 1; ; attempt++) {
            InputStream payload;
            Optional<InputStream> state;
            try {
                payload = ckpt.openPayload();
                try {
                    state = withTrainingState ? ckpt.openTrainingState() : Optional.empty();
                } catch (RuntimeException e) {
                    payload.close();
                    throw e;
                }
            } catch (Checkpoint.ReplacedException e) {
                if (attempt >= 10) {
                    throw e;
                }
                ckpt = Checkpoint.readForRestore(ckpt.file());
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (InputStream in = payload; InputStream training = state.orElse(InputStream.nullInputStream())) {
                GenerativeModel model;
                Checkpoint c = ckpt;
                try {
                    model = read.apply(shielded(in), state.map(s -> shielded(training)));
                } catch (RuntimeException e) {
                    // Whatever the plugin made of it, a payload that is not what the manifest says is named as such.
                    finish(c, in);
                    finish(c, training);
                    throw e;
                }
                try {
                    // The payload and training state read to their ends, where their sizes, CRCs and SHA-256 are
                    // checked (a large one is verified only here): a model of a corrupt payload is closed, never used.
                    finish(ckpt, in);
                    finish(ckpt, training);
                } catch (RuntimeException e) {
                    try {
                        model.close();
                    } catch (RuntimeException ignored) {
                        // the refusal is what matters
                    }
                    throw e;
                }
                return model;
            } catch (CheckpointException e) {
                // The payload is bad input (a newer format, another model's, a diverged model's): exit code 2.
                throw new UsageException(what + ckpt.file() + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The stream, its {@code close()} ignored: a plugin that closes it leaves the rest for the loader to check. */
    private static InputStream shielded(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
    }

    /** Reads what the plugin left of a payload, so that the stream checks it whole; a mismatch is a usage error. */
    private static void finish(Checkpoint ckpt, InputStream in) {
        try {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw ckpt.corruptPayload(e);
        }
    }

    /**
     * A scratch folder for a model that is not part of a run (generate, evaluate), removed by
     * {@link #deleteQuietly}, or on SIGINT/SIGTERM if the command is stopped first.
     */
    public static Path scratch() {
        return TemporaryPaths.directory("nova-work");
    }

    public static void deleteQuietly(Path dir) {
        TemporaryPaths.delete(dir);
    }
}

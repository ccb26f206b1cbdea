package dev.nova.host.internal.run;

import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.Cancellation;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.OpenWeights;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.config.HostSettings;
import dev.nova.host.internal.media.Png;
import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.quality.SampleQuality;
import dev.nova.host.internal.store.Lineage;
import dev.nova.host.internal.store.RunDirectory;
import dev.nova.host.internal.support.AtomicFiles;
import dev.nova.host.internal.support.RunFailedException;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.UsageException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Executes a training plan: a new run ({@code nova train}) or the continuation of one ({@code nova resume}). It
 * owns the run folder (created only once everything that can be checked has been, removed again if the model cannot
 * start, locked while training) and hands the model to the {@link TrainingLoop}.
 */
public final class TrainingRun {

    private final RunPlan plan;
    private final ModelLoader loader;
    private final Terminal terminal;
    private final Optional<ClusterEngine> engine;

    /**
     * Creates the run.
     *
     * @param plan the plan
     * @param loader makes its model
     * @param terminal where progress goes
     * @param engine a cluster launcher's engine, when the host runs inside one
     */
    @Inject
    public TrainingRun(RunPlan plan, ModelLoader loader, Terminal terminal, Optional<ClusterEngine> engine) {
        this.plan = plan;
        this.loader = loader;
        this.terminal = terminal;
        this.engine = engine;
        // Before the first step, not when the first PNG is encoded: that may be while the JVM shuts down (a
        // signal's last checkpoint and loss chart), and initialising ImageIO then hung the shutdown.
        Png.encodeInMemory();
    }

    /**
     * Trains a new model. A run directory this call created is removed again if the model cannot be created.
     *
     * @param cancel set to stop early (Ctrl-C); the latest checkpoint is still written
     * @return the run directory
     */
    public RunDirectory start(Cancellation cancel) {
        return inNewRun((run, started) -> {
            try (GuardedModel model = loader.create(loader.context(run.work()))) {
                Freezing.apply(plan, model, terminal.err());
                probeSampleOptions(model);
                if (plan.host().quality()) {
                    // Refused now, not at the first evaluation: nova.train.quality needs what this version can measure.
                    new SampleQuality(plan.pluginId(), plan.info().modality())
                            .requireMeasurable(model);
                }
                Properties provenance = Provenance.of(plan.plugin(), plan.pluginConfig(), plan.baseDirectory());
                plan.parent().ifPresent(p -> provenance.putAll(Lineage.ofParent(p, plan.config().getString("nova.init-from"))));
                ClusterTraining cluster = cluster(model, provenance);
                started.set(true);
                writeConfig(run);
                terminal.err().println("nova: " + (plan.parent().isPresent() ? "fine-tuning" : "training") + " '"
                        + plan.pluginId() + "'" + plan.parent().map(p -> " from step " + p.step() + " of " + p.file())
                        .orElse("") + " for " + plan.host().steps() + " steps"
                        + (cluster == null ? "" : " on the cluster, " + plan.shards() + " slices a step")
                        + "; run directory " + run.root());
                new TrainingLoop(plan, run, new RunCheckpoints(plan, run, provenance), cluster, terminal.err())
                        .run(model, Double.NaN, cancel);
            }
        });
    }

    /**
     * Makes a run of a model built from published weights ({@code nova import}): its configuration and a checkpoint
     * at step 0 (latest and best), the files it was made from in its lineage with their SHA-256.
     *
     * @param weights the plugin's capability
     * @param family the family of the published model
     * @param folder the folder it was read from
     * @return the run directory
     */
    public RunDirectory importWeights(OpenWeights weights, String family, Path folder) {
        return inNewRun((run, started) -> {
            try (GuardedModel model = loader.importModel(loader.context(run.work()), weights, family, folder)) {
                Properties provenance = Provenance.of(plan.plugin(), plan.pluginConfig(), plan.baseDirectory());
                provenance.putAll(Lineage.ofImport(family, folder, loader.importedFiles(weights, family, folder)));
                writeConfig(run);
                RunCheckpoints checkpoints = new RunCheckpoints(plan, run, provenance);
                checkpoints.saveLatest(model, Double.NaN, Double.NaN);
                checkpoints.promoteLatest();
                started.set(true);
                terminal.err().println("nova: imported " + family + " from " + folder + " into '" + plan.pluginId()
                        + "' at step 0; run directory " + run.root());
            }
        });
    }

    private void writeConfig(RunDirectory run) {
        // The origin of each value, for a reader; the markers the loader keeps for itself are not for one.
        String rendered = plan.config().root().render(ConfigRenderOptions.defaults().setOriginComments(true)
                .setJson(false)).replaceAll("(?m)^[ \\t]*# " + java.util.regex.Pattern.quote(ConfigLoader.INTERNAL_MARK)
                + "\\R", "");
        AtomicFiles.write(("# Effective configuration of this run, with the origin of each value.\n" + rendered)
                .getBytes(StandardCharsets.UTF_8), run.config());
    }

    /**
     * Runs {@code work} in a new run folder ({@code --run-dir} or one under the runs folder), locked. What a run that
     * failed before it started left is removed again (the folder this call created, or what it put in an empty one);
     * the work says when the run has started, and a failure after that leaves the folder, unless it was a run failure
     * before any checkpoint (nothing to resume from).
     */
    private RunDirectory inNewRun(java.util.function.BiConsumer<RunDirectory, java.util.concurrent.atomic.AtomicBoolean> work) {
        Optional<Path> runDir = plan.runDir();
        boolean existed = runDir.isPresent() && Files.exists(runDir.get());
        Path runsDir = plan.host().runsDir();
        boolean runsDirExisted = runDir.isPresent() || Files.exists(runsDir);
        RunDirectory run = runDir.map(RunDirectory::fresh)
                .orElseGet(() -> RunDirectory.create(runsDir, plan.pluginId()));
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        try (RunDirectory.Lock lock = run.lock()) {
            work.accept(run, started);
        } catch (RunFailedException e) {
            if (!Files.exists(run.latestCheckpoint(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // Nothing to resume from (the message says so): like a failed start, no run folder stays.
                started.set(false);
            }
            throw e;
        } finally {
            if (!started.get()) {
                discard(run, existed);
                if (!runsDirExisted) {
                    try {
                        Files.deleteIfExists(runsDir);
                    } catch (IOException notEmptyOrGone) {
                        // another run is in it now: it stays
                    }
                }
            }
        }
        return run;
    }

    /**
     * Continues the plan's run from its latest checkpoint, exactly where it stopped.
     *
     * @param cancel set to stop early
     * @return the run directory
     */
    public RunDirectory resume(Cancellation cancel) {
        RunDirectory run = RunDirectory.open(plan.runDir().orElseThrow());
        try (RunDirectory.Lock lock = run.lock()) {
            GuardedModel restored = loader.restore(loader.context(run.work()));
            try {
                Freezing.apply(plan, restored, terminal.err());
            } catch (RuntimeException e) {
                restored.close();
                throw e;
            }
            terminal.err().println("nova: resuming '" + plan.pluginId() + "' at step " + restored.step() + " of "
                    + plan.host().steps() + "; run directory " + run.root());
            Properties provenance = Provenance.of(plan.plugin(), plan.pluginConfig(), plan.baseDirectory());
            provenance.putAll(Lineage.of(plan.checkpoint().orElseThrow().manifest()));
            try (GuardedModel model = restored) {
                new TrainingLoop(plan, run, new RunCheckpoints(plan, run, provenance), cluster(model, provenance),
                        terminal.err()).run(model, plan.checkpoint().orElseThrow().bestLoss(), cancel);
            }
        }
        return run;
    }

    private ClusterTraining cluster(GuardedModel model, Properties provenance) {
        return plan.shards() > 0 ? ClusterTraining.start(engine, plan, model, provenance) : null;
    }

    /**
     * The sample options are generation options the host cannot check; one sample is drawn before training so
     * that a bad value fails now, before a run exists, instead of at every evaluation and every resume.
     */
    private void probeSampleOptions(GuardedModel model) {
        HostSettings s = plan.host();
        if (s.samples() == 0) {
            return;
        }
        try {
            model.generate(new GenerationRequest(1, s.seed(), s.sampleOptions(), GenerationListener.NONE));
        } catch (InvalidOptionException e) {
            throw new UsageException("nova.train.sample-options: " + e.getMessage());
        }
    }

    /** Removes what a run that never started left: the folder it created, or what it put in an empty one. */
    private static void discard(RunDirectory run, boolean existed) {
        if (!existed) {
            run.discard();
            return;
        }
        try (var s = Files.list(run.root())) {
            for (Path p : s.toList()) {
                new RunDirectory(p).discard();
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}

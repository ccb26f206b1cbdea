package dev.nova.host.internal.run;

import com.typesafe.config.Config;
import dev.nova.api.Cancellation;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.host.internal.config.HostSettings;
import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.quality.ControlCharacters;
import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.quality.SampleQuality;
import dev.nova.host.internal.store.MetricsLog;
import dev.nova.host.internal.store.ProgressRecord;
import dev.nova.host.internal.store.RunDirectory;
import dev.nova.host.internal.support.Figures;
import dev.nova.host.internal.support.RunFailedException;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.Map;
import java.util.Optional;

/**
 * The host's training loop over one model: train up to the next evaluation, evaluate on held-out data, write the
 * checkpoint (and the best copy), the progress records, the chart and samples; on Ctrl-C, stop at the end of a step
 * and write the checkpoint.
 */
final class TrainingLoop {

    private boolean gatesChecked;

    /**
     * Says, at the run's first evaluation, which of its gates name a metric that neither the plugin's evaluation nor
     * the sample quality of its modality reports: {@code nova evaluate --gates} would refuse them after sampling.
     */
    private void warnOfUnknownGates(Map<String, Double> evaluation) {
        SampleQuality measurable = new SampleQuality(plan.pluginId(), plan.info().modality());
        for (String text : plan.host().gates()) {
            Gates.Gate g;
            try {
                g = Gates.parse(text);
            } catch (IllegalArgumentException malformed) {
                continue;                                 // refused when the configuration was read
            }
            if (!evaluation.containsKey(g.metric()) && !g.metric().equals(Gates.HELD_OUT_LOSS)
                    && !measurable.reports(g.metric())) {
                err.println("nova: warning: nova.gates: '" + text + "' names metric '" + g.metric() + "', which this run"
                        + " does not report; its evaluation reports " + String.join(", ", evaluation.keySet())
                        + (measurable.reports(dev.nova.host.internal.quality.TextQuality.NAMES.get(0))
                        || measurable.reports("fd") ? " and sample quality its own (nova evaluate --quality)" : ""));
            }
        }
    }

    private final RunPlan plan;
    private final RunDirectory run;
    private final RunCheckpoints checkpoints;
    private final RunOutputs outputs;
    private final ClusterTraining cluster;
    private final PrintStream err;
    private final SampleQuality quality;

    TrainingLoop(RunPlan plan, RunDirectory run, RunCheckpoints checkpoints, ClusterTraining cluster, PrintStream err) {
        this.plan = plan;
        this.run = run;
        this.checkpoints = checkpoints;
        this.outputs = new RunOutputs(plan, run, err);
        this.cluster = cluster;
        this.err = err;
        this.quality = plan.host().quality()
                ? new SampleQuality(plan.pluginId(), plan.info().modality()) : null;
    }

    /**
     * Trains the model to the plan's total steps or until cancelled.
     *
     * @param model the model, at any step
     * @param bestSoFar the best held-out loss of the run before this process, or NaN
     * @param cancel set to stop early
     * @throws RunFailedException if the run diverged or a call failed: one line naming the step, what went wrong
     *     and the last good checkpoint (or that there is none)
     */
    void run(GuardedModel model, double bestSoFar, Cancellation cancel) {
        HostSettings s = plan.host();
        String id = plan.pluginId();
        if (model.step() == 0) {
            ControlCharacters.of(model).ifPresent(w -> err.println("nova: warning: " + w));
        }
        Divergence watch = new Divergence(s.divergenceFactor(),
                plan.checkpoint().map(c -> c.manifest().referenceLoss()).orElse(Double.NaN));
        double best = bestSoFar;
        long saved = plan.checkpoint().map(c -> c.manifest().step()).orElse(-1L);
        try (MetricsLog.Appender metrics = openMetrics()) {
            Progress progress = new Progress(s, model.step(), err, r -> record(r, metrics));
            // What the host's own listener failed with (divergence, a write to the run folder): it reaches the host
            // through the plugin's train as an exception, and is the run's failure, not the plugin's.
            RuntimeException[] hostFault = {null};
            TrainingListener listener = e -> {
                try {
                    Optional<String> diverged = watch.step(e.step(), e.loss());
                    if (diverged.isPresent()) {
                        record(new ProgressRecord.Diverged(e.step(), diverged.get()), metrics);
                        throw new Diverged(diverged.get());
                    }
                    progress.onStep(e);
                } catch (Diverged | UncheckedIOException x) {
                    hostFault[0] = x;
                    throw x;
                }
            };
            try {
                while (model.step() < s.steps() && !cancel.isCancelled()) {
                    long target = Math.min(s.steps(), (model.step() / s.evalEvery() + 1) * s.evalEvery());
                    TrainingRequest request = new TrainingRequest(target - model.step(), cancel);
                    TrainingResult result;
                    try {
                        result = cluster == null ? model.train(request, listener)
                                : model.call("train", () -> cluster.train(model, request, listener));
                    } catch (RuntimeException e) {
                        throw hostFault[0] != null ? hostFault[0] : e;
                    }
                    if (result.cancelled() || cancel.isCancelled()) {
                        break;
                    }
                    if (model.step() % s.evalEvery() == 0 || model.step() >= s.steps()) {
                        Map<String, Double> m = model.evaluate(EvaluationRequest.heldOut(s.seed()));
                        Optional<String> diverged = watch.evaluation(model.step(), m);
                        if (diverged.isPresent()) {
                            record(new ProgressRecord.Evaluation(model.step(), m), metrics);
                            record(new ProgressRecord.Diverged(model.step(), diverged.get()), metrics);
                            throw new Diverged(diverged.get());
                        }
                        if (quality != null) {
                            Map<String, Double> q = quality.measure(model, s.qualitySamples(), s.qualityLength(), s.seed());
                            err.printf("quality step %d | %s%n", model.step(), qualityLine(q));
                            if (!quality.extractor().isEmpty()) {
                                // The report names the feature space the image figures were measured in.
                                dev.nova.host.internal.support.AtomicFiles.write((quality.extractor() + "\n")
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), run.root().resolve("extractor.txt"));
                            }
                            m = new java.util.LinkedHashMap<>(m);
                            m.putAll(q);
                        }
                        if (!gatesChecked) {
                            gatesChecked = true;
                            warnOfUnknownGates(m);
                        }
                        double loss = m.getOrDefault(GenerativeModel.LOSS, Double.NaN);
                        boolean improved = Double.isNaN(best) || loss < best;
                        if (improved) {
                            best = loss;
                        }
                        // The checkpoint first: whatever happens after (a signal, a full disk), it is on disk.
                        checkpoints.saveLatest(model, best, watch.reference());
                        saved = model.step();
                        if (improved) {
                            checkpoints.promoteLatest();
                        }
                        record(new ProgressRecord.Evaluation(model.step(), m), metrics);
                        err.printf("eval step %d | held-out %s%s%n", model.step(), format(m), improved ? " | best" : "");
                        if (!cancel.isCancelled()) {
                            outputs.show(model, cancel);
                        }
                    }
                }
            } catch (Diverged e) {
                throw new RunFailedException("training diverged: " + e.getMessage() + "; " + remedy()
                        + lastGood(saved, false), null);
            } catch (UsageException e) {
                throw e;
            } catch (RuntimeException | Error e) {
                if (!cancel.isCancelled()) {
                    throw new RunFailedException(RunOutputs.oneLine(e) + lastGood(saved, true), e);
                }
                // Interrupted while something failed (the JVM refuses new work during shutdown): the checkpoint
                // below is what matters now.
                err.println("nova: warning: " + RunOutputs.oneLine(e) + " (while stopping)");
            }
            if (cancel.isCancelled()) {
                if (model.step() != saved) {
                    checkpoints.saveLatest(model, best, watch.reference());
                }
                err.println("nova: interrupted at step " + model.step() + "; checkpoint " + run.latestCheckpoint()
                        + " written; continue with 'nova resume " + run.root() + "'");
            } else {
                err.println("nova: done at step " + model.step() + "; best held-out loss "
                        + String.format("%.4f", best) + "; checkpoints in " + run.checkpoints()
                        + checkpoints.lastWrite());
            }
        }
    }

    /**
     * Opens {@code metrics.jsonl} for appending; a record that a killed process left cut short is removed first (it
     * would otherwise swallow the next record) and said so.
     */
    private MetricsLog.Appender openMetrics() {
        MetricsLog.Appender metrics;
        try {
            metrics = MetricsLog.append(run.metrics());
        } catch (UncheckedIOException e) {
            throw runDirectory(e);
        }
        metrics.removedTornLine().ifPresent(n -> err.println("nova: " + run.metrics() + " ended in a record cut short ("
                + n + " bytes, left by a process stopped while writing it); removed it before appending"));
        return metrics;
    }

    private UncheckedIOException runDirectory(UncheckedIOException e) {
        IOException cause = e.getCause();
        return new UncheckedIOException("cannot write to run directory " + run.root() + ": " + cause.getMessage(), cause);
    }

    /** What to change after a divergence: the learning rate (and clipping) where the plugin has kit's keys. */
    private String remedy() {
        Config c = plan.pluginConfig();
        String prefix = "plugins." + plan.pluginId() + ".";
        if (!c.hasPath("train.learning-rate")) {
            return "lower the plugin's learning rate";
        }
        String lr = "lower " + prefix + "train.learning-rate (now " + c.getValue("train.learning-rate").unwrapped() + ")";
        if (c.hasPath("train.gradient-clip") && c.getValue("train.gradient-clip").unwrapped() instanceof Number n
                && n.doubleValue() == 0) {
            return lr + " or set " + prefix + "train.gradient-clip";
        }
        return lr;
    }

    /** Names the last good checkpoint of the run, or says that none was written (the run folder is removed). */
    private String lastGood(long savedStep, boolean resumable) {
        if (savedStep < 0 || !Files.exists(run.latestCheckpoint(), LinkOption.NOFOLLOW_LINKS)) {
            return "; no checkpoint had been written yet, so the run directory " + run.root() + " is removed";
        }
        return "; the last good checkpoint is " + run.latestCheckpoint() + " (step " + savedStep + ")"
                + (resumable ? ", continue with 'nova resume " + run.root() + "'" : "");
    }

    /** The host's decision that the run diverged, thrown through the plugin's {@code train} by the listener. */
    private static final class Diverged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Diverged(String message) {
            super(message, null, false, false);
        }
    }

    /** Appends a record to {@code metrics.jsonl} (flushed: a reader sees whole lines) and gives it to the chart. */
    private void record(ProgressRecord r, MetricsLog.Appender metrics) {
        try {
            metrics.write(r);
        } catch (UncheckedIOException e) {
            throw runDirectory(e);
        }
        outputs.accept(r);
    }

    private static String format(Map<String, Double> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(Figures.format(v, 4)));
        return b.toString();
    }

    /** The sample-quality metrics, each with its real-text reference in parentheses. */
    private static String qualityLine(Map<String, Double> q) {
        StringBuilder b = new StringBuilder();
        q.forEach((k, v) -> {
            if (!k.startsWith(SampleQuality.REAL)) {
                b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(Figures.format(v, 4))
                        .append(" (real ").append(Figures.format(q.getOrDefault(SampleQuality.REAL + k, Double.NaN), 4))
                        .append(')');
            }
        });
        return b.toString();
    }
}

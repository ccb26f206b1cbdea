package dev.nova.host.internal.run;

import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.store.Manifest;
import dev.nova.host.internal.store.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Properties;

/**
 * A run's checkpoints: {@code latest.ckpt}, written at every evaluation and when the run stops, and
 * {@code best.ckpt}, a copy of the latest whenever the held-out loss improved. Both are replaced atomically.
 */
final class RunCheckpoints {

    private final RunPlan plan;
    private final RunDirectory run;
    private final Properties provenance;

    RunCheckpoints(RunPlan plan, RunDirectory run, Properties provenance) {
        this.plan = plan;
        this.run = run;
        this.provenance = provenance;
    }

    /**
     * Writes {@code latest.ckpt}; the model writes its payload into it. A failure of the plugin's {@code save} names
     * the plugin; a failure of the disk is the run's ({@link java.io.UncheckedIOException}), even when it reached the
     * plugin as an exception from the stream it was writing to.
     */
    void saveLatest(GuardedModel model, double bestLoss, double referenceLoss) {
        Manifest m = Manifest.of(provenance, plan.pluginId(), plan.info().version(), model.step(), plan.host().seed(),
                bestLoss, referenceLoss, plan.baseDirectory(), run.root(), Instant.now());
        long t0 = System.nanoTime();
        Checkpoint.write(run.latestCheckpoint(), m, plan.config(), model::save);
        lastWriteSeconds = (System.nanoTime() - t0) / 1e9;
        try {
            lastWriteBytes = Files.size(run.latestCheckpoint());
        } catch (IOException e) {
            lastWriteBytes = -1;
        }
    }

    private double lastWriteSeconds = Double.NaN;
    private long lastWriteBytes = -1;

    /**
     * How long the last checkpoint took to write, for a large one (64 MiB or more; a small one's time says nothing):
     * {@code " (the last: 1.03 GB in 4.1 s)"}, else empty.
     */
    String lastWrite() {
        return lastWriteBytes < 64L << 20 ? "" : String.format(java.util.Locale.ROOT, " (the last: %.2f GB in %.1f s)",
                lastWriteBytes / 1e9, lastWriteSeconds);
    }

    /**
     * Makes the latest checkpoint the best one: a second name for the same file (a hard link; latest.ckpt is later
     * replaced by a new file, never written in place), or a copy where the file system has no links. Atomic either way.
     */
    void promoteLatest() {
        Path tmp = run.bestCheckpoint().resolveSibling(".best.ckpt.tmp");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createLink(tmp, run.latestCheckpoint());
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.copy(run.latestCheckpoint(), tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, run.bestCheckpoint(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to run directory " + run.root() + ": " + e.getMessage(), e);
        }
    }
}

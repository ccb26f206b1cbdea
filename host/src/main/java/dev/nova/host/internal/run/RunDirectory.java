package dev.nova.host.internal.run;

import dev.nova.host.internal.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The layout of one training run: {@code config.conf}, {@code metrics.jsonl}, {@code loss.png},
 * {@code checkpoints/latest.ckpt}
 * and {@code best.ckpt}, {@code samples/}, and {@code work/} (the only place the plugin may write).
 *
 * @param root the run's directory
 */
public record RunDirectory(Path root) {

    /**
     * Creates a new, uniquely named run directory.
     *
     * @param runsDir the parent of all runs
     * @param pluginId the plugin
     * @return the new run directory, created with its sub-folders
     */
    public static RunDirectory create(Path runsDir, String pluginId) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = runsDir.resolve(pluginId + "-" + stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = runsDir.resolve(pluginId + "-" + stamp + "-" + i);
        }
        return open(dir);
    }

    /**
     * Opens (and creates if needed) a run directory at a given place.
     *
     * @param dir the directory
     * @return the run directory
     */
    public static RunDirectory open(Path dir) {
        RunDirectory run = new RunDirectory(dir);
        try {
            Files.createDirectories(run.checkpoints());
            Files.createDirectories(run.samples());
            Files.createDirectories(run.work());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
        return run;
    }

    /**
     * The latest checkpoint of a run directory.
     *
     * @param dir a run directory
     * @return its latest checkpoint
     */
    public static Path latest(Path dir) {
        Path p = new RunDirectory(dir).latestCheckpoint();
        if (!Files.isRegularFile(p)) {
            throw new UsageException(dir + " is not a run directory with a checkpoint: " + p + " does not exist");
        }
        return p;
    }

    /** The effective configuration file. */
    public Path config() {
        return root.resolve("config.conf");
    }

    /** One JSON object per line: progress and evaluation records. */
    public Path metrics() {
        return root.resolve("metrics.jsonl");
    }

    /** The loss curve (training and held-out), redrawn at each evaluation. */
    public Path lossPlot() {
        return root.resolve("loss.png");
    }

    /** The checkpoints folder. */
    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** The checkpoint written at the last evaluation or interruption. */
    public Path latestCheckpoint() {
        return checkpoints().resolve("latest.ckpt");
    }

    /** The checkpoint with the lowest held-out loss. */
    public Path bestCheckpoint() {
        return checkpoints().resolve("best.ckpt");
    }

    /** Samples written at each evaluation. */
    public Path samples() {
        return root.resolve("samples");
    }

    /** The plugin's scratch directory. */
    public Path work() {
        return root.resolve("work");
    }
}

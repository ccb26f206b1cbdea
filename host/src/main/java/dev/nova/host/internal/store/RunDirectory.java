package dev.nova.host.internal.store;

import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of one training run: {@code config.conf}, {@code metrics.jsonl}, {@code loss.png},
 * {@code checkpoints/latest.ckpt} and {@code best.ckpt}, {@code samples/}, and {@code work/} (the only place the
 * plugin may write).
 *
 * <p>Rules: {@code train} only ever writes into a directory it created (or an empty one it was pointed at), so
 * no run is overwritten; a run is {@linkplain #lock() locked} while a process trains it; Nova never writes through
 * a symbolic link found in a run directory, so nothing outside it is touched.
 *
 * @param root the run's directory
 */
public record RunDirectory(Path root) {

    /** The lock file, held while a process trains or resumes the run. */
    static final String LOCK = ".lock";

    /**
     * Creates a new, uniquely named run directory.
     *
     * @param runsDir the parent of all runs
     * @param pluginId the plugin
     * @return the new run directory, created with its sub-folders
     */
    public static RunDirectory create(Path runsDir, String pluginId) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            Files.createDirectories(runsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the runs folder " + runsDir + ": " + e.getMessage(), e);
        }
        for (int i = 1; ; i++) {
            Path dir = runsDir.resolve(pluginId + "-" + stamp + (i == 1 ? "" : "-" + i));
            try {
                Files.createDirectory(dir);
                return open(dir);
            } catch (FileAlreadyExistsException e) {
                // another run started in the same second: take the next suffix
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create run directory " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A new run at a given place: the directory must not exist, or be empty.
     *
     * @param dir the directory
     * @return the run directory, created with its sub-folders
     * @throws UsageException if {@code dir} is a file or a folder with anything in it (a run is never overwritten)
     */
    public static RunDirectory fresh(Path dir) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            boolean empty;
            try (Stream<Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            } catch (IOException e) {
                empty = false;
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !empty) {
                boolean isRun = Files.isRegularFile(new RunDirectory(dir).latestCheckpoint())
                        || Files.isRegularFile(new RunDirectory(dir).config());
                throw new UsageException("--run-dir " + dir + " already exists" + (isRun
                        ? " and holds a run; continue it with 'nova resume " + dir + "' or give a new directory"
                        : " and is not an empty folder; give a new directory"));
            }
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
        run.checkContained();
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
     * Refuses a run directory in which anything Nova writes is a symbolic link: writing through it would change
     * a file outside the run.
     *
     * @throws UsageException naming the link
     */
    void checkContained() {
        for (Path p : List.of(config(), metrics(), lossPlot(), checkpoints(), samples(), work(), latestCheckpoint(),
                bestCheckpoint(), root.resolve(LOCK))) {
            if (Files.isSymbolicLink(p)) {
                throw new UsageException("run directory " + root + ": " + root.relativize(p) + " is a symbolic link;"
                        + " Nova writes only inside the run directory (replace the link with a plain file or folder)");
            }
        }
    }

    /**
     * Locks the run for this process (released when closed, or by the OS when the process dies).
     *
     * @return the held lock
     * @throws UsageException if another process (or another run in this one) holds it
     */
    public Lock lock() {
        Path file = root.resolve(LOCK);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = "";
                try {
                    holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException ignored) {
                    // the message is still right without the holder's pid
                }
                channel.close();
                throw new UsageException("run directory " + root + " is in use by another nova process"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait for it to finish or stop it first");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            return new Lock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // reporting the first failure
                }
            }
            throw new UncheckedIOException("cannot lock run directory " + root + ": " + e.getMessage(), e);
        }
    }

    /** A held run lock. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock; the OS does when the process ends
            }
        }
    }

    /** Deletes this run directory and everything in it: only for a run this process just created and could not start. */
    public void discard() {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the failure that caused this is what the user needs to see
        }
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

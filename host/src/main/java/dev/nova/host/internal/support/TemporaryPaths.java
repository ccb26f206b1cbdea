package dev.nova.host.internal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * Temporary files and folders of commands that have no checkpoint to finish when a signal comes ({@code generate},
 * {@code evaluate}, {@code tck}): a scratch folder, a PNG being written, a report being staged. Each is removed
 * when the command is done with it, and by a shutdown hook when SIGINT or SIGTERM ends the JVM first, so that no
 * {@code nova-work*} folder or {@code .sample-0001.png.tmp} is left behind.
 *
 * <p>Training does not use this: its own shutdown hook finishes the step and writes the checkpoint, and its
 * temporary files must not disappear under it.
 */
public final class TemporaryPaths {

    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    /**
     * Writes of temporary files hold it shared; the shutdown hook takes it exclusively (waiting for writes in
     * flight) and never gives it back, so no temporary file is created after the hook removed them.
     */
    private static final ReentrantReadWriteLock WRITES = new ReentrantReadWriteLock();

    /** A write that creates a temporary file (and moves it into place). */
    @FunctionalInterface
    public interface Write {
        /**
         * Writes.
         *
         * @throws IOException if it fails
         */
        void run() throws IOException;
    }

    private TemporaryPaths() {
    }

    /**
     * Creates a scratch folder in the temp folder, removed on a signal.
     *
     * @param prefix the folder name's prefix
     * @return the folder; give it to {@link #delete} when done
     */
    public static Path directory(String prefix) {
        try {
            return track(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Registers a path to remove if the JVM is stopped before {@link #delete} or {@link #release} is called.
     *
     * @param path a file or folder this process creates
     * @return the path
     */
    public static Path track(Path path) {
        if (HOOKED.compareAndSet(false, true)) {
            Thread hook = new Thread(TemporaryPaths::deleteAll, "nova-temporary-paths");
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // too late for a hook: the caller's own clean-up is all there is
            }
        }
        LIVE.add(path.toAbsolutePath());
        return path;
    }

    /**
     * Runs a write that creates {@code tmp}, removed on a signal: once the JVM is stopping, a write that has not
     * started waits for the end (so it never leaves a file the hook could not see).
     *
     * @param tmp the temporary file the write creates (the caller removes it, or moves it into place)
     * @param write the write
     * @throws IOException from the write
     */
    public static void writing(Path tmp, Write write) throws IOException {
        WRITES.readLock().lock();
        try {
            track(tmp);
            write.run();
        } finally {
            WRITES.readLock().unlock();
        }
    }

    /**
     * Stops tracking a path that was moved into place or removed.
     *
     * @param path the path
     */
    public static void release(Path path) {
        LIVE.remove(path.toAbsolutePath());
    }

    /**
     * Removes a file or folder (recursively) and stops tracking it; failures are ignored (it is scratch space).
     *
     * @param path the path
     */
    public static void delete(Path path) {
        deleteTree(path);
        release(path);
    }

    private static void deleteAll() {
        try {
            // Writes in flight finish (a PNG takes milliseconds); one stuck on a slow disk is not waited for long.
            WRITES.writeLock().tryLock(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The command's thread runs on while the JVM stops, and a library may create a folder again (JUnit makes
        // the TCK's report folder when a plugin's run starts): sweep until a sweep finds nothing, 100 ms apart.
        for (int sweep = 0; sweep < 20 && deleteTracked(); sweep++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Removes every tracked path that exists; whether there was any. */
    private static boolean deleteTracked() {
        boolean found = false;
        for (Path p : LIVE) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                found = true;
                deleteTree(p);
            }
        }
        return found;
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // scratch space; what could not be removed is left to the OS's temp-folder cleaning
        }
    }
}

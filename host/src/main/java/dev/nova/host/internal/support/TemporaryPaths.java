package dev.nova.host.internal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
        for (Path p : LIVE) {
            deleteTree(p);
        }
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

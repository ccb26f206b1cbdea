package dev.nova.host.internal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Whole-file writes of a run's small files (config, samples, charts): a reader sees the old file or the new one. */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Writes bytes to a temporary sibling and moves them into place, never through a symbolic link; the temporary
     * file is removed if anything fails.
     *
     * @param bytes the content
     * @param file the target
     */
    public static void write(byte[] bytes, Path file) {
        write(bytes, file, false);
    }

    /**
     * Writes bytes as {@link #write(byte[], Path)} does.
     *
     * @param bytes the content
     * @param file the target
     * @param removeOnSignal whether a signal that ends the JVM mid-write removes the temporary file (commands
     *     without a checkpoint to finish: {@link TemporaryPaths})
     */
    public static void write(byte[] bytes, Path file, boolean removeOnSignal) {
        Path tmp = temporarySibling(file);
        TemporaryPaths.Write write = () -> {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(tmp, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        };
        try {
            if (removeOnSignal) {
                TemporaryPaths.writing(tmp, write);
            } else {
                write.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's own failure is what is reported
            }
            TemporaryPaths.release(tmp);
        }
    }

    /**
     * The temporary sibling of a file: {@code .NAME.tmp}, or a shorter {@code .nova-HASH.tmp} when that would pass
     * the 255-byte limit of a file name (a legal 255-byte name must still be writable).
     *
     * @param file the target
     * @return the temporary file beside it
     */
    public static Path temporarySibling(Path file) {
        String name = file.getFileName().toString();
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 5 <= 255) {
            return file.resolveSibling("." + name + ".tmp");
        }
        return file.resolveSibling(".nova-" + Sha256.ofText(name).substring(0, 16) + ".tmp");
    }
}

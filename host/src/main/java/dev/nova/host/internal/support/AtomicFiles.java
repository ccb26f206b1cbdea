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
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(tmp, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's own failure is what is reported
            }
        }
    }
}

package dev.nova.host.internal.store;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run's {@code metrics.jsonl}: one {@link ProgressRecord} a line, appended as training goes and read back by the
 * loss chart, the report and any other reader. A line cut short by a process killed while writing it (the last line,
 * without its line feed) is left out when reading, and removed before the next record is appended, so that a resumed
 * run never glues a record to it.
 */
public final class MetricsLog {

    /** The longest line read: records are a few hundred bytes; a longer line is not one of Nova's. */
    static final int MAX_LINE = 1 << 20;

    /** jackson-jr, writing {@code null} values (the numbers that are not finite) rather than leaving them out. */
    static final JSON JSON_WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private MetricsLog() {
    }

    /**
     * Reads every record of a file.
     *
     * @param file the file
     * @return the records, in the order written (lines that are JSON but not records of Nova's are left out)
     * @throws UsageException naming the file and the line when a line other than a torn last one is not a JSON record
     * @throws UncheckedIOException when the file cannot be read
     */
    public static List<ProgressRecord> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        List<ProgressRecord> out = new ArrayList<>();
        // The last element is what follows the last line feed: empty, or a line cut short.
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            if (line.length() > MAX_LINE) {
                throw new UsageException(file + ": line " + (i + 1) + " is longer than " + MAX_LINE
                        + " characters; it is not a record of Nova's");
            }
            try {
                ProgressRecord.parse(line).ifPresent(out::add);
            } catch (IllegalArgumentException e) {
                throw new UsageException(file + ": line " + (i + 1) + " is not a JSON record");
            }
        }
        return out;
    }

    /**
     * Opens a file for appending records, first removing a torn last line (what a process killed mid-write leaves).
     *
     * @param file the file, created if absent (never through a symbolic link)
     * @return the appender, and what was removed
     * @throws UncheckedIOException when the file cannot be opened or repaired
     */
    public static Appender append(Path file) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            long removed;
            try {
                removed = repair(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            return new Appender(file, channel, removed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Truncates the file after its last line feed; the bytes removed. */
    private static long repair(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return 0;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        long end = size;
        // A torn line is at most one record long; look back that far for the last line feed.
        long stop = Math.max(0, size - MAX_LINE);
        while (end > stop) {
            one.clear();
            channel.read(one, end - 1);
            if (one.get(0) == '\n') {
                break;
            }
            end--;
        }
        if (end == size) {
            return 0;
        }
        channel.truncate(end);
        channel.force(true);
        return size - end;
    }

    /** Appends records, each flushed as a whole line so that a reader never sees half of one. */
    public static final class Appender implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final long removed;

        private Appender(Path file, FileChannel channel, long removed) {
            this.file = file;
            this.channel = channel;
            this.removed = removed;
        }

        /** The bytes of a torn last line removed when the file was opened, if any. */
        public Optional<Long> removedTornLine() {
            return removed > 0 ? Optional.of(removed) : Optional.empty();
        }

        /**
         * Appends a record as one line.
         *
         * @param record the record
         * @throws UncheckedIOException when the file cannot be written
         */
        public void write(ProgressRecord record) {
            ByteBuffer line = ByteBuffer.wrap((record.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                long at = channel.size();
                while (line.hasRemaining()) {
                    at += channel.write(line, at);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
            }
        }
    }
}

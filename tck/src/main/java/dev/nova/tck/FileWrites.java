package dev.nova.tck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordedThreadGroup;
import jdk.jfr.consumer.RecordingStream;

/**
 * The files the code under test writes, from Java Flight Recorder's {@code jdk.FileWrite} events (recorded for
 * every write through {@code FileOutputStream}, {@code RandomAccessFile} and {@code FileChannel}), counted only for
 * threads of one thread group: the kit's runner thread and every thread the plugin starts from it. Writes by other
 * threads, or by other processes, are not the plugin's and are not counted, so a busy machine cannot fail a plugin.
 * Where Flight Recorder is not available, nothing is recorded, and {@link #recording()} says so.
 */
final class FileWrites implements AutoCloseable {

    /** How long {@link #awaitDelivery} waits for the events of the writes made so far. */
    static final Duration DELIVERY = Duration.ofSeconds(60);

    /** The prefix of the file written to know that every earlier event has been delivered. */
    static final String MARKER = ".nova-tck-marker-";

    private final RecordingStream stream;
    private final CountDownLatch delivered = new CountDownLatch(1);
    private volatile String marker;

    private FileWrites(RecordingStream stream) {
        this.stream = stream;
    }

    /**
     * Starts recording.
     *
     * @param group the threads of the code under test
     * @param allowed where those threads may write
     * @param outside receives every other path they write
     * @return the recording, closed by the caller
     */
    static FileWrites start(ThreadGroup group, Path allowed, List<String> outside) {
        RecordingStream rs;
        try {
            rs = new RecordingStream();
        } catch (RuntimeException | LinkageError unavailable) {
            return new FileWrites(null);
        }
        FileWrites writes = new FileWrites(rs);
        rs.enable("jdk.FileWrite").withThreshold(Duration.ZERO);
        rs.onEvent("jdk.FileWrite", e -> {
            String path = e.getString("path");
            if (path == null || path.isEmpty()) {
                return;                                               // standard streams and pipes
            }
            if (writes.marker != null && path.contains(writes.marker)) {
                writes.delivered.countDown();
                return;
            }
            if (!inGroup(e.getThread(), group.getName())) {
                return;
            }
            Path p = Path.of(path).toAbsolutePath().normalize();
            if (!p.startsWith(allowed.toAbsolutePath().normalize())) {
                outside.add(p.toString());
            }
        });
        rs.startAsync();
        return writes;
    }

    private static boolean inGroup(RecordedThread thread, String group) {
        if (thread == null) {
            return false;
        }
        for (RecordedThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
            if (group.equals(g.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until every write made so far has been delivered: writes a marker file and waits for its event (the
     * stream delivers events in time order).
     *
     * @param dir where the marker may be written (and is deleted again)
     * @return whether they were delivered within {@link #DELIVERY}; false when nothing is recorded
     */
    boolean awaitDelivery(Path dir) throws IOException, InterruptedException {
        if (stream == null) {
            return false;
        }
        String name = MARKER + System.nanoTime();
        marker = name;
        Path file = dir.resolve(name);
        Files.write(file, new byte[] {1});
        try {
            return delivered.await(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Whether writes are being recorded (Flight Recorder is available in this JVM).
     *
     * @return true when recording
     */
    boolean recording() {
        return stream != null;
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
    }
}

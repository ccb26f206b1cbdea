package dev.nova.host.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of a real model's size (issue 46): 160 MB of parameters and 48 MB of training state, larger than the
 * 64 MiB at which the writer has the disk start on what it wrote while it writes more, round trip byte for byte, and a
 * byte flipped in the middle of the parameters is still refused.
 */
class LargeCheckpointTests {

    private static final int PAYLOAD = 160 << 20;
    private static final int TRAINING = 48 << 20;

    @TempDir
    Path dir;

    private static void fill(OutputStream out, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        try {
            for (int at = 0; at < size; at += chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) {
                        chunk[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                out.write(chunk, 0, Math.min(chunk.length, size - at));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] b = new byte[1 << 16];
        for (int n; (n = in.read(b)) > 0; ) {
            d.update(b, 0, n);
        }
        return d.digest();
    }

    private static byte[] expected(int size, long seed) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        fill(new OutputStream() {
            @Override
            public void write(int b) {
                d.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                d.update(b, off, len);
            }
        }, size, seed);
        return d.digest();
    }

    @Test
    void aLargeCheckpointRoundTripsAndAFlippedByteIsRefused() throws Exception {
        Path file = dir.resolve("large.ckpt");
        Manifest m = Manifest.of(new Properties(), "uni", "1.0", 7, 1234, 1.5, 4.2, dir, dir, java.time.Instant.EPOCH);
        Checkpoint.write(file, m, ConfigFactory.parseString("nova.plugin = uni"), (payload, training) -> {
            fill(payload, PAYLOAD, 1);
            fill(training, TRAINING, 2);
        });
        assertTrue(Files.size(file) > PAYLOAD + TRAINING, Files.size(file) + " bytes");

        Checkpoint read = Checkpoint.read(file, 0);
        assertEquals(7, read.manifest().step());
        try (InputStream in = read.openPayload()) {
            assertArrayEquals(expected(PAYLOAD, 1), sha256(in), "the parameters, byte for byte");
        }
        try (InputStream in = read.openTrainingState().orElseThrow()) {
            assertArrayEquals(expected(TRAINING, 2), sha256(in), "the training state, byte for byte");
        }

        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            long at = PAYLOAD / 2;
            c.read(one, at);
            one.flip();
            byte b = one.get();
            c.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x10)}), at);
        }
        UsageException e = assertThrows(UsageException.class, () -> Checkpoint.read(file, 0));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}

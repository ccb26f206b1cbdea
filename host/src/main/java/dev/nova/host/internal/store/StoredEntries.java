package dev.nova.host.internal.store;

import dev.nova.host.internal.support.Sha256;
import dev.nova.host.internal.support.UsageException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** How a {@link Checkpoint}'s stored entries are read and checked: bounded, against the manifest's sizes and digests. */
final class StoredEntries {

    private StoredEntries() {
    }

    /**
     * Streams through every entry as stored (local headers and data, which is what a later read gets), checking
     * CRCs, sizes and, from format 2, the SHA-256 of the configuration, the payload and (format 3) the training state; returns the configuration and,
     * when it is at most {@code keptPayload} bytes and has a digest, the payload (otherwise {@code null}).
     */
    static byte[][] verify(Path f, Properties m, boolean digests, long keptPayload) throws IOException {
        return verify(f, m, digests, keptPayload, false);
    }

    /**
     * {@link #verify(Path, Properties, boolean, long)}; with {@code deferLarge}, a payload with a digest and larger than
     * {@code keptPayload} is not read here, nor is the training state (nor what follows them: the manifest's local
     * copy, which nothing is loaded from): each is checked as it streams to the plugin ({@link Checkpoint#openPayload},
     * {@link Checkpoint#openTrainingState}), which reads it to its end.
     */
    static byte[][] verify(Path f, Properties m, boolean digests, long keptPayload, boolean deferLarge)
            throws IOException {
        byte[] config = null;
        byte[] payload = null;
        Set<String> seen = new LinkedHashSet<>();
        long payloadLimit = digests ? declaredSize(f, m, Checkpoint.PAYLOAD) : Long.MAX_VALUE;
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (!Checkpoint.ENTRIES.contains(name) || !seen.add(name)) {
                    throw new UsageException("checkpoint " + f + " is not a Nova checkpoint: unexpected entry '" + name + "'");
                }
                MessageDigest digest = Sha256.digest();
                long size;
                switch (name) {
                    case Checkpoint.CONFIG -> {
                        config = readBounded(zip, digests ? (int) Math.min(Checkpoint.MAX_CONFIG, declaredSize(f, m, Checkpoint.CONFIG)) : Checkpoint.MAX_CONFIG,
                                f, Checkpoint.CONFIG);
                        digest.update(config);
                        size = config.length;
                    }
                    case Checkpoint.PAYLOAD -> {
                        if (deferLarge && digests && payloadLimit > keptPayload && config != null) {
                            return new byte[][] {config, null};
                        }
                        java.io.ByteArrayOutputStream kept = digests && payloadLimit <= keptPayload
                                ? new java.io.ByteArrayOutputStream((int) payloadLimit) : null;
                        size = drain(zip, digest, payloadLimit, f, kept, Checkpoint.PAYLOAD);
                        payload = kept == null ? null : kept.toByteArray();
                    }
                    case Checkpoint.TRAINING -> {
                        long limit = declaredSize(f, m, Checkpoint.TRAINING);
                        if (deferLarge && config != null) {
                            // Read by training alone, and checked as it streams to the plugin (openTrainingState):
                            // generation and evaluation neither read nor check it.
                            return new byte[][] {config, payload};
                        }
                        size = drain(zip, digest, limit, f, null, Checkpoint.TRAINING);
                    }
                    default -> {
                        readBounded(zip, Checkpoint.MAX_MANIFEST, f, Checkpoint.MANIFEST);
                        continue;
                    }
                }
                if (digests) {
                    check(f, m, name, digest.digest(), size);
                }
            }
        }
        if (!seen.equals(Checkpoint.entries(m.getProperty("format"))) || config == null) {
            throw Checkpoint.corrupt(f, "an entry is missing from the stored data");
        }
        return new byte[][] {config, payload};
    }

    private static long declaredSize(Path f, Properties m, String entry) {
        String v = m.getProperty("entry." + entry + ".size");
        try {
            long size = Long.parseLong(String.valueOf(v).trim());
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new UsageException("checkpoint " + f + ": manifest value entry." + entry
                    + ".size must be a whole number >= 0, found '" + v + "'");
        }
    }

    private static void check(Path f, Properties m, String entry, byte[] sha256, long size) {
        String expected = m.getProperty("entry." + entry + ".sha256");
        if (size != declaredSize(f, m, entry)) {
            throw new UsageException("checkpoint " + f + " is corrupt: entry " + entry + " holds " + size
                    + " bytes, its manifest says " + declaredSize(f, m, entry));
        }
        if (expected == null || !expected.equalsIgnoreCase(HexFormat.of().formatHex(sha256))) {
            throw new UsageException("checkpoint " + f + " is corrupt: entry " + entry
                    + " does not match the SHA-256 in its manifest");
        }
    }

    static byte[] readBounded(InputStream in, int limit, Path f, String entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 1 << 16));
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > limit) {
                throw new UsageException("checkpoint " + f + " is corrupt: entry " + entry + " is larger than "
                        + limit + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static long drain(InputStream in, MessageDigest digest, long limit, Path f, java.io.OutputStream kept,
                              String entry) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > limit) {
                throw new UsageException("checkpoint " + f + " is corrupt: entry " + entry
                        + " is larger than its manifest says (" + limit + " bytes)");
            }
            digest.update(buf, 0, n);
            if (kept != null) {
                kept.write(buf, 0, n);
            }
        }
        return total;
    }
}

package dev.nova.host.internal.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.ApiVersion;
import dev.nova.host.internal.support.Sha256;
import dev.nova.host.internal.support.UsageException;
import dev.nova.host.internal.config.SafeParse;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A checkpoint file: a zip with the effective configuration, the plugin's payload and the host's manifest.
 *
 * <p>Integrity: the manifest (written last) holds the SHA-256 and size of every other entry, and every read
 * checks them, together with each entry's zip CRC, before anything is handed to a plugin. A checkpoint either
 * loads exactly as it was written or is refused with one line naming the file and the entry. Untrusted sizes are
 * bounded before anything is allocated: the manifest may hold at most {@value #MAX_MANIFEST} bytes, the
 * configuration {@value #MAX_CONFIG}, the payload no more than its manifest declares.
 *
 * <p>Writes go to a temporary sibling that is flushed to the disk and then moved into place atomically, so a
 * crash or a full disk never leaves a half-written checkpoint where a good one was.
 *
 * @param file where it lives
 * @param manifest format, plugin, versions, step, seed, provenance and entry digests
 * @param config the effective configuration of the run ({@code nova} and {@code plugins.<id>})
 * @param identity the file's identity when it was read and verified (see {@link #openPayload})
 * @param verifiedPayload the payload as verified, kept when it is at most {@value #KEPT_PAYLOAD} bytes, or
 *     {@code null}
 */
public record Checkpoint(Path file, Manifest manifest, Config config, Object identity, byte[] verifiedPayload) {

    /**
     * The largest payload kept in memory from the verification to the plugin's read, in bytes: such a payload is
     * inflated and hashed once, not twice (a cold JVM hashed a 3 MB text-gru payload in about 60 ms, a third of
     * {@code nova generate}'s time outside ND4J and the plugin). Larger payloads are streamed, and checked again.
     */
    static final long KEPT_PAYLOAD = 16 << 20;

    /**
     * The largest payload kept in memory when a checkpoint is read: {@link #KEPT_PAYLOAD}, or the system property
     * {@code nova.checkpoint.kept-payload} (tests set 0 to take the path of a large model's payload).
     */
    static long keptPayload() {
        return Long.getLong("nova.checkpoint.kept-payload", KEPT_PAYLOAD);
    }

    /**
     * A checkpoint whose file was verified, then replaced by a newer one (a run that is training writes its checkpoints
     * by atomic rename): read it again.
     */
    public static final class ReplacedException extends UsageException {
        private static final long serialVersionUID = 1L;

        ReplacedException(Path file) {
            super("checkpoint " + file + " was replaced by a newer one while it was read");
        }
    }

    /** The format written in every manifest: format 2 and the training state apart ({@value #TRAINING}). */
    public static final String FORMAT = "nova-checkpoint/3";

    /** The second format: entry digests, the plugin's state in one entry. Still read. */
    static final String FORMAT_2 = "nova-checkpoint/2";

    /** The first format: no entry digests (zip CRCs are still checked). Still read. */
    static final String FORMAT_1 = "nova-checkpoint/1";

    static final String MANIFEST = "manifest.properties";
    static final String CONFIG = "config.conf";
    static final String PAYLOAD = "payload.bin";
    /** What only training reads ({@link dev.nova.api.GenerativeModel#save(OutputStream, OutputStream)}), since format 3. */
    static final String TRAINING = "training.bin";
    static final Set<String> ENTRIES = Set.of(MANIFEST, CONFIG, PAYLOAD, TRAINING);

    /** The entries a checkpoint of the format must hold. */
    static Set<String> entries(String format) {
        return FORMAT.equals(format) ? ENTRIES : Set.of(MANIFEST, CONFIG, PAYLOAD);
    }

    /** The largest manifest read, in bytes. */
    static final int MAX_MANIFEST = 1 << 20;
    /** The largest saved configuration read, in bytes. */
    static final int MAX_CONFIG = 16 << 20;

    /** The plugin that wrote the payload, or {@code null} in a damaged manifest. */
    public String pluginId() {
        return manifest.plugin().orElse(null);
    }

    /** The model's step count when saved. */
    public long step() {
        return manifest.step();
    }

    /** The best held-out loss seen in the run up to this checkpoint, or NaN. */
    public double bestLoss() {
        return manifest.bestLoss();
    }

    /** The payload's declared size in bytes, or -1 for format 1. */
    long payloadSize() {
        return Manifest.longValue(file, manifest.properties(), "entry." + PAYLOAD + ".size", -1);
    }

    /**
     * Writes a checkpoint atomically and durably.
     *
     * @param file the target
     * @param manifest the manifest (format, API and entry digests are added)
     * @param config the effective configuration
     * @param payload writes the plugin's payload into the first stream, then its training state into the second
     *     (the payload's entry is closed at the first byte of the training state)
     */
    public static void write(Path file, Manifest manifest, Config config,
                             java.util.function.BiConsumer<OutputStream, OutputStream> payload) {
        Properties m = manifest.toProperties();
        m.setProperty("format", FORMAT);
        m.setProperty("api", ApiVersion.CURRENT.toString());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                 EarlyWriteback early = new EarlyWriteback(channel);
                 ZipOutputStream zip = new WideZipOutputStream(new java.io.BufferedOutputStream(early, 1 << 16))) {
                byte[] configBytes = config.root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                        .setJson(false)).getBytes(StandardCharsets.UTF_8);
                zip.putNextEntry(new ZipEntry(CONFIG));
                zip.write(configBytes);
                zip.closeEntry();
                record(m, CONFIG, Sha256.digest().digest(configBytes), configBytes.length);

                // Parameters and moments barely compress (7% at 85M parameters) and DEFLATE cost most of a large
                // checkpoint's time: the payload is stored in deflate's uncompressed blocks. At GPT-2 124M's shape an
                // import took 50 s at the default level, 44 s at level 1 and 31 s at level 0; loading for sampling
                // 30, 27 and 23 s. The entries' SHA-256 and the zip's CRCs guard it as before; older checkpoints load.
                zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
                zip.putNextEntry(new ZipEntry(PAYLOAD));
                PayloadStream stream = new PayloadStream(zip);
                PayloadStream training = new PayloadStream(zip);
                // The training state's entry starts at its first byte, where the payload's ends: they are written
                // one after the other, as zip entries are.
                PayloadStream.Handover handover = new PayloadStream.Handover(stream, training, () -> {
                    zip.closeEntry();
                    record(m, PAYLOAD, stream.sha256(), stream.size());
                    zip.putNextEntry(new ZipEntry(TRAINING));
                });
                try {
                    payload.accept(handover.first(), handover.second());
                    handover.finish();
                } catch (RuntimeException | Error e) {
                    stream.rethrowSinkFailure();
                    training.rethrowSinkFailure();
                    handover.rethrow();
                    throw e;
                }
                stream.rethrowSinkFailure();                    // also when the plugin swallowed it
                training.rethrowSinkFailure();
                handover.rethrow();
                zip.closeEntry();
                record(m, TRAINING, training.sha256(), training.size());

                zip.putNextEntry(new ZipEntry(MANIFEST));
                StringWriter w = new StringWriter();
                m.store(w, "Nova checkpoint");
                zip.write(w.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.finish();
                zip.flush();
                early.finish();
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the move succeeded or the write failed; either way the real error is already reported
            }
        }
    }

    /**
     * A zip writer that hands the deflater 64 KiB at a time instead of {@code DeflaterOutputStream}'s 512 bytes (its
     * {@code buf} is there for subclasses to size): a 1 GB stored entry was two million deflate calls and writes
     * (serialising an 85M-parameter model's checkpoint: 2.45 s, median of three, then 2.2 s).
     */
    private static final class WideZipOutputStream extends ZipOutputStream {
        WideZipOutputStream(OutputStream out) {
            super(out);
            buf = new byte[1 << 16];
        }
    }

    /** Makes a rename durable: fsync of the folder (not possible on every platform; best effort). */
    static void syncDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open a folder as a channel; the rename itself is still atomic
        }
    }

    private static void record(Properties m, String entry, byte[] sha256, long size) {
        m.setProperty("entry." + entry + ".sha256", HexFormat.of().formatHex(sha256));
        m.setProperty("entry." + entry + ".size", Long.toString(size));
    }

    /**
     * Reads a checkpoint's manifest and configuration and verifies every entry (CRC, size, SHA-256).
     *
     * @param file a checkpoint file, or a run directory (its latest checkpoint is used)
     * @return the checkpoint
     * @throws UsageException if the file is missing, not a checkpoint, corrupt, truncated, or of another format
     */
    public static Checkpoint read(Path file) {
        return read(file, keptPayload());
    }

    /**
     * {@link #read(Path)}, keeping a payload of at most {@code keptPayload} bytes in memory (tests read with 0 to
     * stream every payload).
     *
     * @param file a checkpoint file, or a run directory (its latest checkpoint is used)
     * @param keptPayload the largest payload kept, in bytes
     * @return the checkpoint
     */
    public static Checkpoint read(Path file, long keptPayload) {
        return read(file, keptPayload, false);
    }

    /**
     * Reads a checkpoint that is about to be restored: as {@link #read(Path)}, except that a payload larger than
     * {@link #KEPT_PAYLOAD} is verified once, as it streams to the plugin ({@link #openPayload}, read to its end by
     * the loader before the model is used), instead of a second time beforehand: at a real model's size (1.5 GB for
     * GPT-2 small with its optimiser moments) each pass costs seconds.
     *
     * @param file a checkpoint file, or a run directory (its latest checkpoint is used)
     * @return the checkpoint
     */
    public static Checkpoint readForRestore(Path file) {
        return read(file, keptPayload(), true);
    }

    private static Checkpoint read(Path file, long keptPayload, boolean deferLarge) {
        Path f = Files.isDirectory(file) ? RunDirectory.latest(file) : file;
        // A run that is training replaces its checkpoints by atomic rename, and each step below opens the path
        // anew: the file is read again when it was replaced meanwhile, so that a reader never mixes the manifest of
        // one checkpoint with the entries of the next and calls a sound checkpoint corrupt.
        for (int attempt = 1; ; attempt++) {
            Object before = identity(f);
            try {
                Checkpoint c = readOnce(f, before, keptPayload, deferLarge);
                if (before.equals(identity(f))) {
                    return c;
                }
            } catch (UsageException e) {
                if (attempt >= READ_ATTEMPTS || before.equals(identity(f))) {
                    throw e;
                }
            }
            if (attempt >= READ_ATTEMPTS) {
                throw new UsageException("checkpoint " + f + " is replaced faster than it can be read (" + READ_ATTEMPTS
                        + " tries); read a checkpoint that is not being written, such as best.ckpt or step-N.ckpt");
            }
        }
    }

    /** How often {@link #read} reads a checkpoint that is replaced while it reads it. */
    private static final int READ_ATTEMPTS = 10;

    /**
     * What names one version of a file: its file key (device and inode where the platform has them), size and
     * modification time. Atomic replacement gives the path another identity.
     */
    static Object identity(Path f) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(f,
                    java.nio.file.attribute.BasicFileAttributes.class);
            return java.util.Arrays.asList(a.fileKey(), a.size(), a.lastModifiedTime());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("checkpoint " + f + " does not exist");
        } catch (IOException e) {
            throw new UsageException("cannot read checkpoint " + f + ": " + e.getMessage());
        }
    }

    private static Checkpoint readOnce(Path f, Object identity, long keptPayload, boolean deferLarge) {
        if (!Files.isRegularFile(f)) {
            throw new UsageException("checkpoint " + f + " does not exist");
        }
        try {
            Properties m = readManifest(f);
            String format = m.getProperty("format");
            if (!FORMAT.equals(format) && !FORMAT_2.equals(format) && !FORMAT_1.equals(format)) {
                throw new UsageException("checkpoint " + f + " has format '" + format + "', expected '" + FORMAT + "'");
            }
            byte[][] entries = StoredEntries.verify(f, m, !FORMAT_1.equals(format), keptPayload, deferLarge);
            Manifest manifest = Manifest.parse(f, m);
            String text = new String(entries[0], StandardCharsets.UTF_8);
            Config config = SafeParse.hocon(text, f + " (saved config)");
            return new Checkpoint(f, manifest, config, identity, entries[1]);
        } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
            // IllegalArgumentException: the zip classes' answer to an entry name that is not valid UTF-8
            throw corrupt(f, e.getMessage());
        } catch (IOException e) {
            throw new UsageException("cannot read checkpoint " + f + ": " + e.getMessage());
        }
    }

    static UsageException corrupt(Path f, String why) {
        return new UsageException("checkpoint " + f + " is corrupt or truncated (" + why + ")");
    }

    /** Reads the manifest through the zip's central directory, bounded. */
    private static Properties readManifest(Path f) throws IOException {
        try (ZipFile zip = new ZipFile(f.toFile())) {
            Set<String> names = new LinkedHashSet<>();
            var it = zip.entries();
            while (it.hasMoreElements()) {
                String name = it.nextElement().getName();
                if (!ENTRIES.contains(name) || !names.add(name)) {
                    throw new UsageException("checkpoint " + f + " is not a Nova checkpoint: unexpected entry '" + name + "'");
                }
            }
            for (String required : List.of(MANIFEST, CONFIG, PAYLOAD)) {
                if (!names.contains(required)) {
                    throw new UsageException("checkpoint " + f + " is not a Nova checkpoint: missing " + required);
                }
            }
            Properties m = new Properties();
            ZipEntry entry = zip.getEntry(MANIFEST);
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] bytes = StoredEntries.readBounded(in, MAX_MANIFEST, f, MANIFEST);
                // Checked here, not only in the pass over the stored entries, which stops at a large payload
                // (readForRestore) before the manifest's data.
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(bytes);
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw corrupt(f, MANIFEST + " does not match its CRC");
                }
                m.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("checkpoint " + f + ": " + MANIFEST + " is malformed (" + e.getMessage() + ")");
            }
            if (FORMAT.equals(m.getProperty("format")) && !names.contains(TRAINING)) {
                throw new UsageException("checkpoint " + f + " is not a Nova checkpoint: missing " + TRAINING);
            }
            if (!FORMAT.equals(m.getProperty("format")) && names.contains(TRAINING)) {
                throw new UsageException("checkpoint " + f + " is not a Nova checkpoint: unexpected entry '" + TRAINING
                        + "' in format '" + m.getProperty("format") + "'");
            }
            return m;
        }
    }


    /**
     * Opens the plugin's payload: the bytes verified by {@link #read} when they were kept ({@link #KEPT_PAYLOAD}),
     * otherwise a stream over the stored entry (nothing is buffered whole) that checks the payload's size and SHA-256
     * again as it is read to its end.
     *
     * @return the payload bytes as a stream
     * @throws ReplacedException if the payload is streamed and the file was replaced since it was read and verified
     *     (read it again)
     */
    public InputStream openPayload() {
        if (verifiedPayload != null) {
            return new java.io.ByteArrayInputStream(verifiedPayload);
        }
        try {
            ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            // Opened, then the path still names the file that was verified: the stream reads that file (a
            // replacement brings a new file; the verified one never comes back).
            if (!identity.equals(identity(file))) {
                zip.close();
                throw new ReplacedException(file);
            }
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (PAYLOAD.equals(e.getName())) {
                    // Buffered: a payload read a few bytes at a time (ND4J's Nd4j.read reads every float as four
                    // single bytes) went through the inflater and the digest byte by byte, 0.3 s for a 1 MB model.
                    return verifying(zip, PAYLOAD);
                }
            }
            zip.close();
            throw corrupt(file, "no " + PAYLOAD + " entry");
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    /**
     * Whether the plugin's training state is stored apart from its payload (format 3): a checkpoint of an earlier
     * format holds everything in its payload.
     *
     * @return true for format 3
     */
    public boolean hasTrainingState() {
        return FORMAT.equals(manifest.get("format").orElse(null));
    }

    /**
     * Opens the plugin's training state ({@value #TRAINING}), which only training reads: a stream over the stored
     * entry, found through the zip's directory (the payload before it is not read), that checks the entry's size and
     * SHA-256 as it is read to its end.
     *
     * @return the stream, or empty for a checkpoint of an earlier format ({@link #hasTrainingState()})
     * @throws ReplacedException if the file was replaced since it was read and verified (read it again)
     */
    public java.util.Optional<InputStream> openTrainingState() {
        if (!hasTrainingState()) {
            return java.util.Optional.empty();
        }
        try {
            ZipFile zip = new ZipFile(file.toFile());
            if (!identity.equals(identity(file))) {
                zip.close();
                throw new ReplacedException(file);
            }
            ZipEntry entry = zip.getEntry(TRAINING);
            if (entry == null) {
                zip.close();
                throw corrupt(file, "no " + TRAINING + " entry");
            }
            InputStream in = new FilterInputStream(zip.getInputStream(entry)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        zip.close();
                    }
                }
            };
            return java.util.Optional.of(verifying(in, TRAINING));
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    /**
     * The refusal of this checkpoint when its payload, read to its end, is not what its manifest and zip say.
     *
     * @param e what reading found
     * @return the usage error (exit code 2), naming the file
     */
    public UsageException corruptPayload(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("checkpoint " + file) ? new UsageException(message) : corrupt(file, message);
    }

    /** The entry's bytes, read ahead and checked against the manifest's size and SHA-256 ({@link ReadAhead#verified}). */
    private InputStream verifying(InputStream zip, String entry) {
        String expected = manifest.get("entry." + entry + ".sha256").orElse(null);
        long limit = expected == null ? Long.MAX_VALUE
                : Manifest.longValue(file, manifest.properties(), "entry." + entry + ".size", -1);
        return ReadAhead.verified(zip, "checkpoint " + file + ": " + (PAYLOAD.equals(entry) ? "payload" : "entry "
                + entry), entry, expected, limit);
    }
}

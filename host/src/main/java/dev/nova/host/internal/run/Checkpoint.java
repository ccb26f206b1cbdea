package dev.nova.host.internal.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.ApiVersion;
import dev.nova.host.internal.UsageException;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A checkpoint file: a zip with the host's manifest, the effective configuration and the plugin's payload.
 *
 * <p>Files are written to a temporary sibling and moved into place atomically, so a crash never leaves a
 * half-written checkpoint where a good one was.
 *
 * @param file where it lives
 * @param manifest format, plugin, versions, step, seed
 * @param config the effective configuration of the run ({@code nova} and {@code plugins.<id>})
 */
public record Checkpoint(Path file, Properties manifest, Config config) {

    /** The format written in every manifest. */
    public static final String FORMAT = "nova-checkpoint/1";

    private static final String MANIFEST = "manifest.properties";
    private static final String CONFIG = "config.conf";
    private static final String PAYLOAD = "payload.bin";

    /** The plugin that wrote the payload. */
    public String pluginId() {
        return manifest.getProperty("plugin");
    }

    /** The model's step count when saved. */
    public long step() {
        return Long.parseLong(manifest.getProperty("step", "0"));
    }

    /** The best held-out loss seen in the run up to this checkpoint, or NaN. */
    public double bestLoss() {
        return Double.parseDouble(manifest.getProperty("best-loss", "NaN"));
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param file the target
     * @param manifest the manifest (format and API are added)
     * @param config the effective configuration
     * @param payload writes the plugin's payload into the given stream
     */
    public static void write(Path file, Properties manifest, Config config, Consumer<OutputStream> payload) {
        Properties m = new Properties();
        m.putAll(manifest);
        m.setProperty("format", FORMAT);
        m.setProperty("api", ApiVersion.CURRENT.toString());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                zip.putNextEntry(new ZipEntry(MANIFEST));
                StringWriter w = new StringWriter();
                m.store(w, "Nova checkpoint");
                zip.write(w.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(CONFIG));
                zip.write(config.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false))
                        .getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(PAYLOAD));
                payload.accept(new FilterOutputStream(zip) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                zip.closeEntry();
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
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
     * Reads a checkpoint's manifest and configuration, checking the format.
     *
     * @param file a checkpoint file, or a run directory (its latest checkpoint is used)
     * @return the checkpoint
     * @throws UsageException if the file is missing, not a checkpoint, truncated, or of another format
     */
    public static Checkpoint read(Path file) {
        Path f = Files.isDirectory(file) ? RunDirectory.latest(file) : file;
        if (!Files.isRegularFile(f)) {
            throw new UsageException("checkpoint " + f + " does not exist");
        }
        try (ZipFile zip = new ZipFile(f.toFile())) {
            ZipEntry me = zip.getEntry(MANIFEST);
            ZipEntry ce = zip.getEntry(CONFIG);
            if (me == null || ce == null || zip.getEntry(PAYLOAD) == null) {
                throw new UsageException("checkpoint " + f + " is not a Nova checkpoint: missing "
                        + (me == null ? MANIFEST : ce == null ? CONFIG : PAYLOAD));
            }
            Properties m = new Properties();
            try (InputStream in = zip.getInputStream(me)) {
                m.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            }
            if (!FORMAT.equals(m.getProperty("format"))) {
                throw new UsageException("checkpoint " + f + " has format '" + m.getProperty("format")
                        + "', expected '" + FORMAT + "'");
            }
            String text;
            try (InputStream in = zip.getInputStream(ce)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Config config = ConfigFactory.parseReader(new StringReader(text),
                    ConfigParseOptions.defaults().setOriginDescription(f + " (saved config)"));
            return new Checkpoint(f, m, config);
        } catch (ZipException e) {
            throw new UsageException("checkpoint " + f + " is corrupt or truncated (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot read checkpoint " + f + ": " + e.getMessage());
        }
    }

    /**
     * Opens the plugin's payload.
     *
     * @return the payload bytes as a stream
     */
    public InputStream openPayload() {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            try (InputStream in = zip.getInputStream(zip.getEntry(PAYLOAD))) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UsageException("checkpoint " + file + " is corrupt or truncated (" + e.getMessage() + ")");
        }
    }
}

package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apiguardian.api.API;

/**
 * Reads IDX files (the MNIST/Fashion-MNIST format: a big-endian magic {@code 0x0000 TT NN}, NN dimension sizes,
 * then the unsigned bytes), gzip-compressed or not.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Idx {

    private Idx() {
    }

    /**
     * An IDX array of unsigned bytes.
     *
     * @param dims the dimension sizes
     * @param data the values, row-major
     */
    public record Array(int[] dims, byte[] data) {
    }

    /**
     * Reads an IDX file of unsigned bytes.
     *
     * @param pluginId for messages
     * @param file the file, {@code .gz} or plain (told apart by content, not name)
     * @param ndim the number of dimensions expected (3 for images, 1 for labels)
     * @return the array
     * @throws PluginException naming the file and what was wrong
     */
    public static Array read(String pluginId, Path file, int ndim) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            try (DataInputStream in = new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16))
                    : raw)) {
                return read(pluginId, in, file, ndim);
            }
        } catch (java.util.zip.ZipException e) {
            throw new PluginException(pluginId, file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new PluginException(pluginId, file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static Array read(String pluginId, DataInputStream in, Path file, int ndim) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new PluginException(pluginId, file + ": empty or shorter than an IDX header", e);
        }
        int expected = 0x0800 | ndim;
        if (magic != expected) {
            throw new PluginException(pluginId, String.format("%s: not an IDX file of %d-dimensional unsigned bytes "
                    + "(magic 0x%08X, expected 0x%08X)", file, ndim, magic, expected));
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new PluginException(pluginId, file + ": truncated IDX header", e);
            }
            if (dims[i] < 1) {
                throw new PluginException(pluginId, file + ": dimension " + i + " has size " + dims[i]);
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new PluginException(pluginId, file + ": IDX array of " + total + " bytes is too large");
        }
        byte[] data = new byte[(int) total];
        int n = in.readNBytes(data, 0, data.length);
        if (n < data.length) {
            throw new PluginException(pluginId, file + ": truncated: the header announces " + total + " values, the file holds "
                    + n);
        }
        if (in.read() != -1) {
            throw new PluginException(pluginId, file + ": " + total + " values announced by the header, but the file is longer");
        }
        return new Array(dims, data);
    }
}

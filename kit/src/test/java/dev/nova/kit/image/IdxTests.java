package dev.nova.kit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.PluginException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader against hand-made files. */
class IdxTests {

    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }

    private static byte[] pixels(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37);
        }
        return b;
    }

    @Test
    void readsPlainAndGzippedImagesAlike() throws IOException {
        byte[] file = idx(0x803, new int[] {3, 2, 4}, pixels(24));
        Path plain = Files.write(dir.resolve("a-idx3-ubyte"), file);
        Path gz = Files.write(dir.resolve("b-idx3-ubyte.gz"), gzip(file));
        for (Path p : new Path[] {plain, gz}) {
            Idx.Array a = Idx.read("vae", p, 3);
            assertArrayEquals(new int[] {3, 2, 4}, a.dims());
            assertArrayEquals(pixels(24), a.data());
        }
    }

    @Test
    void readsLabels() throws IOException {
        Path p = Files.write(dir.resolve("l.gz"), gzip(idx(0x801, new int[] {5}, new byte[] {0, 1, 9, 2, 3})));
        Idx.Array a = Idx.read("vae", p, 1);
        assertArrayEquals(new int[] {5}, a.dims());
        assertEquals(9, a.data()[2]);
    }

    @Test
    void rejectsAWrongMagicNamingTheFile() throws IOException {
        Path p = Files.write(dir.resolve("labels-as-images"), idx(0x801, new int[] {5}, new byte[5]));
        PluginException e = assertThrows(PluginException.class, () -> Idx.read("vae", p, 3));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("magic 0x00000801")
                && e.getMessage().contains("expected 0x00000803"), e.getMessage());
    }

    @Test
    void rejectsATruncatedBody() throws IOException {
        Path p = Files.write(dir.resolve("short.gz"), gzip(idx(0x803, new int[] {3, 2, 4}, pixels(20))));
        PluginException e = assertThrows(PluginException.class, () -> Idx.read("vae", p, 3));
        assertTrue(e.getMessage().contains("short.gz") && e.getMessage().contains("truncated")
                && e.getMessage().contains("24"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytesAndATruncatedHeader() throws IOException {
        Path longer = Files.write(dir.resolve("long"), idx(0x803, new int[] {1, 2, 2}, pixels(5)));
        assertTrue(assertThrows(PluginException.class, () -> Idx.read("vae", longer, 3)).getMessage().contains("longer"));
        Path header = Files.write(dir.resolve("header"), new byte[] {0, 0, 8, 3, 0, 0});
        assertTrue(assertThrows(PluginException.class, () -> Idx.read("vae", header, 3)).getMessage().contains("truncated IDX header"));
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertTrue(assertThrows(PluginException.class, () -> Idx.read("vae", empty, 3)).getMessage().contains("empty"));
    }

    @Test
    void aFolderOfIdxFilesLoadsWithItsTestSplitAndLabels() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idx(0x803, new int[] {4, 2, 2}, pixels(16))));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(0x801, new int[] {4}, new byte[] {0, 1, 1, 0})));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(0x803, new int[] {2, 2, 2}, pixels(8)));
        ImageSet.Split s = ImageData.load("vae", dir.toString(), 2, 0.5);
        assertEquals(4, s.train().count());
        assertEquals(2, s.test().count(), "the t10k file is the test split, whatever the holdout");
        assertArrayEquals(new int[] {0, 1, 1, 0}, s.train().labels());
        assertEquals((pixels(16)[5] & 0xff) / 255f, s.train().pixels()[5]);
        PluginException e = assertThrows(PluginException.class, () -> ImageData.load("vae", dir.toString(), 28, 0.1));
        assertTrue(e.getMessage().contains("2x2") && e.getMessage().contains("data.image-size"), e.getMessage());
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRejected() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x803, new int[] {4, 2, 2}, pixels(16)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x801, new int[] {3}, new byte[3]));
        PluginException e = assertThrows(PluginException.class, () -> ImageData.load("vae", dir.toString(), 2, 0.5));
        assertTrue(e.getMessage().contains("3 labels for 4 images"), e.getMessage());
    }
}

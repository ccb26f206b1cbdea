package dev.nova.formats.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufTests {

    @TempDir
    Path dir;

    private Path written(GgufWriter.Metadata metadata, List<TensorValues> tensors) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GgufWriter.write(bytes, metadata, tensors);
        return Files.write(dir.resolve("model.gguf"), bytes.toByteArray());
    }

    /** A little-endian byte builder for hand-made headers. */
    private static final class Bytes {
        final ByteBuffer b = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);

        Bytes u32(long v) {
            b.putInt((int) v);
            return this;
        }

        Bytes u64(long v) {
            b.putLong(v);
            return this;
        }

        Bytes str(String s) {
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            b.putLong(x.length).put(x);
            return this;
        }

        Bytes zeros(int n) {
            b.put(new byte[n]);
            return this;
        }

        Path write(Path file) throws IOException {
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return Files.write(file, out);
        }
    }

    private Bytes header(long tensors, long kvs) {
        return new Bytes().u32(0x46554747).u32(3).u64(tensors).u64(kvs);
    }

    private String refusal(Path file) {
        return assertThrows(WeightsFileException.class, () -> Gguf.open(file).close()).getMessage();
    }

    @Test
    void whatIsWrittenReadsBackTypedAlignedAndInRowMajorShapes() throws IOException {
        float[] w = {1.5f, -2.25f, 3e-8f, 65504f, Float.MIN_NORMAL, 0.1f};
        Path f = written(new GgufWriter.Metadata().string("general.architecture", "gpt2").u32("gpt2.block_count", 12)
                        .f32("eps", 1e-5f).bool("flag", false).strings("tokens", List.of("a", "Ġb", "静"))
                        .i32s("types", new int[] {1, 1, 3}),
                List.of(new TensorValues("token_embd.weight", DType.F32, new long[] {2, 3}, w),
                        new TensorValues("bias", DType.F16, new long[] {3}, new float[] {0.5f, -1f, 0.1f})));
        try (Gguf g = Gguf.open(f)) {
            assertEquals(3, g.version());
            Map<String, Object> m = g.metadata();
            assertEquals("gpt2", m.get("general.architecture"));
            assertEquals(12L, m.get("gpt2.block_count"));
            assertEquals((double) 1e-5f, m.get("eps"));
            assertEquals(false, m.get("flag"));
            assertEquals(List.of("a", "Ġb", "静"), m.get("tokens"));
            assertEquals(List.of(1L, 1L, 3L), m.get("types"));
            assertEquals((long) Gguf.ALIGNMENT, m.get("general.alignment"), "written when the caller gives none");
            assertArrayEquals(new long[] {2, 3}, g.tensor("token_embd.weight").shape());
            assertArrayEquals(w, g.floats("token_embd.weight"));
            assertArrayEquals(new float[] {0.5f, -1f, 0.099975586f}, g.floats("bias"));
            for (TensorFile.Tensor t : g.tensors().values()) {
                assertEquals(0, t.begin() % Gguf.ALIGNMENT, t + " aligned");
            }
        }
        // GGUF lists dimensions innermost first: the 2 x 3 matrix is stored as [3, 2].
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = "token_embd.weight".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(b.array(), name) + name.length;
        assertEquals(2, b.getInt(at));
        assertEquals(3, b.getLong(at + 4));
        assertEquals(2, b.getLong(at + 12));
        assertEquals(0, Files.size(f) % Gguf.ALIGNMENT, "the last tensor padded too");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void everyMalformedHeaderIsOneLineNamingTheFileAndByte() throws IOException {
        Path f = dir.resolve("bad.gguf");
        new Bytes().u32(0x4c4c4747).u32(3).u64(0).u64(0).write(f);
        assertEquals(f + " at byte 0: not a GGUF file (it starts with 0x47474c4c, expected the bytes 'GGUF')",
                refusal(f));

        new Bytes().u32(0x46554747).u32(9).u64(0).u64(0).write(f);
        assertEquals(f + " at byte 4: GGUF version 9, expected 2 or 3", refusal(f));

        new Bytes().u32(0x46554747).write(f);
        assertTrue(refusal(f).startsWith(f + " at byte 0: 4 bytes, too short"), refusal(f));

        header(0, 1_000_000_000L).write(f);
        assertEquals(f + " at byte 16: declares 1000000000 metadata entries, more than the file's 24 bytes can hold",
                refusal(f));

        // A key declaring a string of 2^40 bytes in a file of a few dozen: refused before anything is allocated.
        header(0, 1).u64(1L << 40).zeros(8).write(f);
        assertEquals(f + " at byte 24: metadata key 0 declares 1099511627776 bytes, expected at most "
                + Gguf.MAX_STRING_BYTES, refusal(f));

        header(0, 1).str("tokens").u32(9).u32(8).u64(1L << 40).write(f);
        assertTrue(refusal(f).contains("'tokens' declares 1099511627776 elements, more than the 0 bytes left"),
                refusal(f));

        header(0, 1).str("k").u32(77).write(f);
        assertTrue(refusal(f).endsWith("'k' has value type 77, expected 0 to 12"), refusal(f));

        header(0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2).write(f);
        assertTrue(refusal(f).endsWith("metadata key 'k' appears twice"), refusal(f));

        header(0, 1).str("general.architecture").u32(8).u64(5).write(f);
        assertTrue(refusal(f).contains("'general.architecture' needs 5 bytes but the file has 0 left"), refusal(f));
    }

    @Test
    void tensorsMustFitTheFileTheirTypesAndEachOther() throws IOException {
        Path f = dir.resolve("bad.gguf");
        // 2 GB declared in a file of about a hundred bytes: refused before any allocation.
        header(1, 0).str("w").u32(2).u64(1 << 15).u64(1 << 14).u32(0).u64(0).zeros(64).write(f);
        String big = refusal(f);
        assertTrue(big.contains("tensor 'w' (2147483648 bytes at data offset 0) ends past the end of the file"), big);
        assertEquals(1, big.lines().count());

        header(1, 0).str("q").u32(1).u64(32).u32(2).u64(0).zeros(64).write(f);
        assertTrue(refusal(f).contains("tensor 'q' has ggml type 2 (a quantised type), expected F32 (0), F16 (1) or"
                + " BF16 (30)"), refusal(f));

        header(1, 0).str("v").u32(5).zeros(64).write(f);
        assertTrue(refusal(f).contains("tensor 'v' has 5 dimensions, expected 1 to 4"), refusal(f));

        header(1, 0).str("v").u32(1).u64(4).u32(0).u64(3).zeros(64).write(f);
        assertTrue(refusal(f).contains("tensor 'v' has offset 3, expected a multiple of the alignment 32"), refusal(f));

        header(2, 0).str("a").u32(1).u64(16).u32(0).u64(0).str("b").u32(1).u64(16).u32(0).u64(32).zeros(160)
                .write(f);
        assertTrue(refusal(f).contains("tensor 'b' overlaps tensor 'a'"), refusal(f));

        header(2, 0).str("a").u32(1).u64(4).u32(0).u64(0).str("a").u32(1).u64(4).u32(0).u64(32).zeros(96).write(f);
        assertTrue(refusal(f).contains("two tensors are named 'a'"), refusal(f));
    }
}

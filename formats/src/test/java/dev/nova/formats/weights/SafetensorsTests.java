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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsTests {

    @TempDir
    Path dir;

    private Path written(List<TensorValues> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Safetensors.write(bytes, metadata, tensors);
        return Files.write(dir.resolve("model.safetensors"), bytes.toByteArray());
    }

    /** A file of an 8-byte length and the given header, then {@code data} bytes. */
    private Path handMade(String header, int data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return Files.write(dir.resolve("hand.safetensors"), b.array());
    }

    @Test
    void whatIsWrittenReadsBackWithItsMetadataInOrder() throws IOException {
        float[] w = {1.5f, -2.25f, 3e-8f, 65504f, Float.MIN_NORMAL, 0.1f};
        Path f = written(List.of(new TensorValues("wte", DType.F32, new long[] {2, 3}, w),
                new TensorValues("b", DType.F16, new long[] {3}, new float[] {0.5f, -1f, 0.1f}),
                new TensorValues("scalar", DType.F32, new long[0], new float[] {7f})), Map.of("format", "pt"));
        long header = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, header % 8, "header padded to 8");
        assertEquals(8 + header + 7 * 4 + 3 * 2, Files.size(f), "the data follows the header, contiguous");
        try (Safetensors s = Safetensors.open(f)) {
            assertEquals(List.of("wte", "b", "scalar"), List.copyOf(s.tensors().keySet()));
            assertEquals(Map.of("format", "pt"), s.metadata());
            assertArrayEquals(w, s.floats("wte"));
            assertArrayEquals(new long[] {2, 3}, s.tensor("wte").shape());
            // F16 rounds to nearest: 0.1 becomes the half closest to it
            assertArrayEquals(new float[] {0.5f, -1f, 0.099975586f}, s.floats("b"));
            assertArrayEquals(new float[] {7f}, s.floats("scalar"));
            WeightsFileException e = assertThrows(WeightsFileException.class, () -> s.floats("wpe"));
            assertEquals(f + ": no tensor 'wpe' (it has 3 tensors)", e.getMessage());
        }
    }

    @Test
    void everyHalfConvertsExactlyAndBack() {
        for (int h = 0; h < 65536; h++) {
            float f = DType.halfToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(((h >>> 10) & 0x1f) == 0x1f && (h & 0x3ff) != 0, Integer.toHexString(h));
                continue;
            }
            assertEquals(h, DType.floatToHalf(f) & 0xffff, "half " + Integer.toHexString(h) + " = " + f);
        }
        assertEquals(0x3c00, DType.floatToHalf(1.0004883f) & 0xffff, "a tie rounds to even (down)");
        assertEquals(0x3c02, DType.floatToHalf(1.0014648f) & 0xffff, "a tie rounds to even (up)");
        assertEquals(0x7c00, DType.floatToHalf(70000f) & 0xffff, "beyond the range: infinity");
        assertEquals(0x0001, DType.floatToHalf(0x1p-24f) & 0xffff, "the smallest subnormal");
    }

    @Test
    void bfloat16IsAFloatsUpperHalf() throws IOException {
        Path f = handMade("{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        int data = (int) Files.size(f) - 4;
        b.putShort(data, (short) (Float.floatToIntBits(1.5f) >>> 16));
        b.putShort(data + 2, (short) (Float.floatToIntBits(-3f) >>> 16));
        Files.write(f, b.array());
        try (Safetensors s = Safetensors.open(f)) {
            assertArrayEquals(new float[] {1.5f, -3f}, s.floats("x"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                 | [1, 2]                                                                  | 0  | at byte 8: the header is not a JSON object",
        "broken JSON              | {\"x\": {\"dtype\": \"F32\",                                              | 0  | at byte 8: the JSON header is malformed",
        "duplicate key            | {\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} | 4 | at byte 8: the JSON header is malformed",
        "unknown dtype            | {\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}     | 1  | at byte 8: tensor 'x' has dtype 'F8_E4M3', expected one of",
        "no shape                 | {\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}                        | 4  | at byte 8: tensor 'x' has no shape",
        "negative size            | {\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}         | 4  | at byte 8: tensor 'x' has shape [-1], expected sizes of 0 or more",
        "fractional offset        | {\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.5]}}        | 4  | at byte 8: tensor 'x' has no data_offsets [begin, end] of whole numbers",
        "size against shape       | {\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}          | 8  | tensor 'x' holds 4 bytes, expected 8 (F32 [2])",
        "reversed offsets         | {\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}          | 4  | at byte 8: tensor 'x' has data_offsets [4, 0], expected 0 <= begin <= end",
        "2 GB in a tiny file      | {\"x\":{\"dtype\":\"F32\",\"shape\":[536870912],\"data_offsets\":[0,2147483648]}} | 16 | tensor 'x' ends at byte",
        "overflowing shape        | {\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}} | 4 | at byte 8: tensor 'x' has shape [4294967296, 4294967296], too large for any file",
        "overlap                  | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}} | 8 | tensor 'b' overlaps tensor 'a'",
        "metadata not strings     | {\"__metadata__\":{\"n\":1}}                                             | 0  | at byte 8: __metadata__.n is not a string",
    })
    void aMalformedHeaderIsOneLineNamingTheFileAndByte(String what, String header, int data, String expected)
            throws IOException {
        Path f = handMade(header.strip(), data);
        WeightsFileException e = assertThrows(WeightsFileException.class, () -> Safetensors.open(f).close(), what);
        assertTrue(e.getMessage().startsWith(f + " at byte ") && e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aFileThatIsNotSafetensorsIsRefusedByItsHeaderLength() throws IOException {
        Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertEquals(tiny + " at byte 0: 3 bytes, too short for a safetensors file (an 8-byte header length, then a JSON"
                + " header)", assertThrows(WeightsFileException.class, () -> Safetensors.open(tiny)).getMessage());
        Path text = Files.writeString(dir.resolve("notes.safetensors"), "hello, this is a text file\n");
        WeightsFileException e = assertThrows(WeightsFileException.class, () -> Safetensors.open(text));
        assertTrue(e.getMessage().startsWith(text + " at byte 0: header length ")
                && e.getMessage().endsWith("not a safetensors file"), e.getMessage());
    }

    @Test
    void aTensorOfAnotherTypeIsNotReadAsFloats() throws IOException {
        Path f = handMade("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
        try (Safetensors s = Safetensors.open(f)) {
            WeightsFileException e = assertThrows(WeightsFileException.class, () -> s.floats("ids"));
            assertTrue(e.getMessage().endsWith("tensor 'ids' is I64, expected F32, F16 or BF16"), e.getMessage());
        }
    }
}

package dev.nova.formats.wav;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavTests {

    @TempDir
    Path dir;

    /** A RIFF WAVE file of a fmt chunk (format, channels, rate, bits) and a data chunk, written by hand. */
    private static byte[] file(int format, int channels, int rate, int bits, byte[] data) {
        int block = channels * bits / 8;
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + data.length).put(ascii("WAVE")).put(ascii("fmt ")).putInt(16)
                .putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * block)
                .putShort((short) block).putShort((short) bits).put(ascii("data")).putInt(data.length).put(data);
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] le(int bytesEach, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytesEach * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            for (int i = 0; i < bytesEach; i++) {
                b.put((byte) (v >> (8 * i)));
            }
        }
        return b.array();
    }

    @Test
    void sixteenBitMonoRoundTripsWithinOneStep() {
        float[] x = {0f, 0.5f, -0.5f, 1f, -1f, 0.25f};
        Wav.Sound back = Wav.parse("x.wav", Wav.encode(new Wav.Sound(8000, x)));
        assertEquals(8000, back.rate());
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], back.samples()[i], 1.0 / 32767);
        }
    }

    @Test
    void readsEveryPcmWidthAndFloatAndMixesChannelsDown() {
        assertArrayEquals(new float[] {0f, -1f, 0.5f}, Wav.parse("8", file(1, 1, 100, 8, le(1, 128, 0, 192))).samples());
        assertArrayEquals(new float[] {0.5f, -0.5f}, Wav.parse("24", file(1, 1, 100, 24, le(3, 0x400000, 0xC00000)))
                .samples());
        assertArrayEquals(new float[] {-0.5f}, Wav.parse("32", file(1, 1, 100, 32, le(4, 0xC0000000L))).samples());
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(2f);
        assertArrayEquals(new float[] {0.25f, 1f}, Wav.parse("f32", file(3, 1, 100, 32, f.array())).samples(),
                "values past 1 are clamped");
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(-0.75);
        assertArrayEquals(new float[] {-0.75f}, Wav.parse("f64", file(3, 1, 100, 64, d.array())).samples());
        assertArrayEquals(new float[] {0.25f}, Wav.parse("stereo", file(1, 2, 100, 16, le(2, 16384, 0))).samples());
    }

    @Test
    void severalSoundsAreWrittenApartBySilence() {
        byte[] bytes = Wav.encode(List.of(new Wav.Sound(10, new float[] {1f, 1f}), new Wav.Sound(10, new float[] {-1f})),
                0.5);
        float[] s = Wav.parse("two", bytes).samples();
        assertEquals(2 + 5 + 1, s.length);
        assertEquals(0f, s[4]);
        assertEquals(-1f, s[7], 1.0 / 32767);
        assertThrows(IllegalArgumentException.class, () -> Wav.encode(List.of(new Wav.Sound(10, new float[1]),
                new Wav.Sound(20, new float[1])), 0));
    }

    @Test
    void whatIsNotWavNamesTheFileTheOffsetAndWhatWasExpected() {
        assertEquals("t.wav at byte 0: not a WAV file (it does not start with RIFF....WAVE)",
                assertThrows(FormatException.class, () -> Wav.parse("t.wav", ascii("hello world, not audio")))
                        .getMessage());
        byte[] good = file(1, 1, 100, 16, le(2, 1, 2, 3, 4));
        byte[] cut = Arrays.copyOf(good, good.length - 3);
        assertEquals("c.wav at byte 49: the data chunk is cut short: it declares 8 bytes at offset 44, the file ends"
                + " after 5", assertThrows(FormatException.class, () -> Wav.parse("c.wav", cut)).getMessage());
        assertEquals("u.wav at byte 20: format 2 with 16 bits per sample is not read; expected PCM (1) of 8, 16, 24 or"
                + " 32 bits or IEEE float (3) of 32 or 64 bits", assertThrows(FormatException.class,
                () -> Wav.parse("u.wav", file(2, 1, 100, 16, le(2, 1)))).getMessage());
        byte[] odd = file(1, 1, 100, 16, le(1, 1, 2, 3));
        assertEquals(47, assertThrows(FormatException.class, () -> Wav.parse("o.wav", odd)).offset(),
                "the end of 3 bytes that are not whole 2-byte frames");
        byte[] noData = Arrays.copyOf(good, 36);
        ByteBuffer.wrap(noData).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 28);
        assertEquals("n.wav at byte 36: no data chunk", assertThrows(FormatException.class,
                () -> Wav.parse("n.wav", noData)).getMessage());
    }

    @Test
    void aFileIsReadFromDiskAndOneTooLargeIsRefusedBeforeItIsRead() throws Exception {
        Path f = Files.write(dir.resolve("a.wav"), Wav.encode(new Wav.Sound(16000, new float[] {0.5f})));
        assertEquals(16000, Wav.read(f).rate());
        Path missing = dir.resolve("none.wav");
        assertThrows(java.io.UncheckedIOException.class, () -> Wav.read(missing));
    }
}

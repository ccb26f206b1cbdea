package dev.nova.kit.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAV reading on every format and on broken files, μ-law's error bound, the resampler against known sines. */
class AudioTests {

    @TempDir
    Path dir;

    /** A WAV file: fmt (plain or extensible) and data with the given frames, each channel's sample as raw bytes. */
    private static byte[] wav(int format, int channels, int rate, int bits, boolean extensible, byte[] data) {
        int fmtSize = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + data.length + (data.length & 1))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(fmtSize).putShort((short) (extensible ? 0xFFFE : format))
                .putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(channels == 1 ? 4 : 3).putShort((short) format)
                    .put(new byte[14]);
        }
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }

    private static float[] read(byte[] file) {
        return WavFile.parse("p", "x.wav", file).samples();
    }

    @Test
    void everyPcmAndFloatFormatReadsToTheSameValues() {
        float[] expected = {0.5f, -0.25f, 0f};
        ByteBuffer i16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        i16.putShort((short) 16384).putShort((short) -8192).putShort((short) 0);
        assertArrayEquals(expected, read(wav(1, 1, 8000, 16, false, i16.array())), 1e-6f);
        assertArrayEquals(expected, read(wav(1, 1, 8000, 16, true, i16.array())), 1e-6f, "extensible");
        byte[] u8 = {(byte) 192, (byte) 96, (byte) 128};
        assertArrayEquals(expected, read(wav(1, 1, 8000, 8, false, u8)), 1e-6f);
        byte[] i24 = {0, 0, 0x40, 0, 0, (byte) 0xE0, 0, 0, 0};
        assertArrayEquals(expected, read(wav(1, 1, 8000, 24, false, i24)), 1e-6f);
        ByteBuffer i32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        i32.putInt(1 << 30).putInt(-(1 << 29)).putInt(0);
        assertArrayEquals(expected, read(wav(1, 1, 8000, 32, false, i32.array())), 1e-6f);
        ByteBuffer f32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        f32.putFloat(0.5f).putFloat(-0.25f).putFloat(0f);
        assertArrayEquals(expected, read(wav(3, 1, 8000, 32, false, f32.array())), 0f);
        ByteBuffer f64 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        f64.putDouble(0.5).putDouble(-0.25).putDouble(0);
        assertArrayEquals(expected, read(wav(3, 1, 8000, 64, true, f64.array())), 0f);
        // stereo: left and right averaged
        ByteBuffer st = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        st.putShort((short) 32767).putShort((short) 0).putShort((short) -16384).putShort((short) -16384);
        assertArrayEquals(new float[] {32767 / 65536f, -0.5f}, read(wav(1, 2, 44100, 16, false, st.array())), 1e-6f);
        assertEquals(44100, WavFile.parse("p", "s.wav", wav(1, 2, 44100, 16, false, st.array())).sampleRate());
    }

    @Test
    void writtenFilesReadBack() throws Exception {
        Sample.Audio a = new Sample.Audio(8000, new float[] {0f, 0.5f, -0.5f, 1f, -1f});
        Path f = dir.resolve("a.wav");
        Files.write(f, WavFile.encode(a));
        Sample.Audio back = WavFile.read("p", f);
        assertEquals(8000, back.sampleRate());
        assertArrayEquals(a.samples(), back.samples(), 1f / 32767);
    }

    @Test
    void brokenFilesNameTheFileAndTheOffset() {
        ByteBuffer i16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        byte[] good = wav(1, 1, 8000, 16, false, i16.array());
        record Case(byte[] bytes, String message) { }
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] oddFrames = wav(1, 1, 8000, 16, false, new byte[7]);
        byte[] alaw = wav(6, 1, 8000, 8, false, new byte[4]);
        byte[] noData = java.util.Arrays.copyOf(good, 36);
        byte[] chunkPastEnd = good.clone();
        ByteBuffer.wrap(chunkPastEnd).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 1000);
        List<Case> cases = List.of(
                new Case("hello, this is text".getBytes(), "x.wav at byte 0: not a WAV file"),
                new Case(truncated, "x.wav at byte " + truncated.length + ": the data chunk is cut short: it declares 8"
                        + " bytes at offset 44, the file ends after 5"),
                new Case(oddFrames, "x.wav at byte 51: the data chunk's 7 bytes are not a whole number of 2-byte frames"),
                new Case(alaw, "x.wav at byte 20: format 6 with 8 bits per sample is not read"),
                new Case(noData, "x.wav at byte 36: no data chunk"),
                new Case(chunkPastEnd, "x.wav at byte 12: chunk 'fmt ' declares 1000 bytes"));
        for (Case c : cases) {
            PluginException e = assertThrows(PluginException.class, () -> WavFile.parse("p", "x.wav", c.bytes));
            assertTrue(e.getMessage().contains(c.message), e.getMessage() + "\n  expected: " + c.message);
        }
    }

    @Test
    void muLawRoundTripsWithinHalfAStepOfItsCurve() {
        double l = Math.log1p(255);
        for (int i = -10000; i <= 10000; i++) {
            float x = i / 10000f;
            int level = MuLaw.encode(x);
            assertTrue(level >= 0 && level <= 255);
            double err = Math.abs(MuLaw.decode(level) - x);
            // half a step (1/255 in the companded domain) times the curve's slope l (|x| + 1/μ), plus float rounding
            assertTrue(err <= l * (Math.abs(x) + 1 / 255.0) / 255 * 1.02 + 1e-6, x + " -> " + level + ", error " + err);
        }
        assertEquals(0, MuLaw.encode(-1f));
        assertEquals(255, MuLaw.encode(1f));
        assertEquals(1f, MuLaw.decode(255), 1e-6f);
        for (int level = 0; level < 256; level++) {
            assertEquals(level, MuLaw.encode(MuLaw.decode(level)), "levels are fixed points");
        }
    }

    private static float[] sine(double hz, int rate, int n, double amp) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amp * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    @Test
    void resamplingKeepsWhatTheNewRateHoldsAndRemovesWhatItCannot() {
        float[] down = Resampler.resample(sine(1000, 44100, 44100, 0.8), 44100, 8000);
        assertEquals(8000, down.length);
        float[] expected = sine(1000, 8000, 8000, 0.8);
        for (int i = 500; i < 7500; i++) {                        // away from the edges, where the filter runs out
            assertEquals(expected[i], down[i], 2e-3, "sample " + i);
        }
        float[] up = Resampler.resample(sine(440, 8000, 8000, 0.5), 8000, 22050);
        float[] expectedUp = sine(440, 22050, 22050, 0.5);
        for (int i = 1000; i < 21000; i++) {
            assertEquals(expectedUp[i], up[i], 2e-3, "sample " + i);
        }
        // 6 kHz cannot exist at 8 kHz (Nyquist 4 kHz): it must not come back as a 2 kHz alias
        float[] alias = Resampler.resample(sine(6000, 44100, 44100, 0.8), 44100, 8000);
        double rms = 0;
        for (int i = 500; i < 7500; i++) {
            rms += alias[i] * alias[i];
        }
        assertTrue(Math.sqrt(rms / 7000) < 1e-3, "alias RMS " + Math.sqrt(rms / 7000));
    }

    @Test
    void audioFoldersSplitByFileAndTakeClassesFromSubFolders() throws Exception {
        for (String speaker : List.of("alice", "bob")) {
            Files.createDirectories(dir.resolve(speaker));
            for (int i = 0; i < 5; i++) {
                Files.write(dir.resolve(speaker).resolve(i + ".wav"), WavFile.encode(new Sample.Audio(16000,
                        sine(300 + 100 * i, 16000, 1600, 0.5))));
            }
        }
        AudioSource.AudioSet set = AudioSource.read("p", dir.toString(), 8000, 0.2, 1);
        assertEquals(List.of("alice", "bob"), set.classes());
        assertEquals(8, set.train().size());
        assertEquals(2, set.heldOut().size());
        assertTrue(set.heldOut().stream().noneMatch(set.train()::contains), "whole files held out");
        assertEquals(800, set.train().get(0).samples().length, "resampled to 8 kHz");
        assertEquals(set.heldOut(), AudioSource.read("p", dir.toString(), 8000, 0.2, 1).heldOut().stream()
                .map(c -> set.heldOut().stream().filter(h -> h.name().equals(c.name())).findFirst().orElseThrow())
                .toList(), "the same split for the same seed");
        Files.write(dir.resolve("alice").resolve("broken.wav"), "not audio".getBytes());
        PluginException e = assertThrows(PluginException.class, () -> AudioSource.read("p", dir.toString(), 8000, 0.2, 1));
        assertTrue(e.getMessage().contains("broken.wav at byte 0: not a WAV file"), e.getMessage());
        AudioSource.AudioSet tones = AudioSource.read("p", AudioSource.TONES, 8000, 0.25, 1);
        assertEquals(List.of("tone", "chirp", "noise"), tones.classes());
        assertEquals(24, tones.train().size() + tones.heldOut().size());
        assertEquals(6, tones.heldOut().size());
    }
}

package dev.nova.host.internal.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.Sample;
import dev.nova.host.internal.support.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audio samples written as WAV files and prompts read back, through javax.sound.sampled. */
class WaveTests {

    @TempDir
    Path dir;

    @Test
    void samplesAreWrittenHalfASecondApartAndReadBack() throws Exception {
        float[] a = new float[800];
        float[] b = new float[400];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i / 5.0) * 0.5f;
        }
        java.util.Arrays.fill(b, -0.25f);
        Path f = dir.resolve("s.wav");
        Files.write(f, Wave.wav(List.of(new Sample.Audio(8000, a), new Sample.Audio(8000, b))));
        Sample.Audio back = Wave.read(f, "--prompt-wav");
        assertEquals(8000, back.sampleRate());
        assertEquals(800 + 4000 + 400, back.samples().length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], back.samples()[i], 1.0 / 32767);
        }
        assertEquals(0f, back.samples()[800 + 2000]);
        assertEquals(-0.25f, back.samples()[800 + 4000 + 10], 1.0 / 32767);
    }

    /** A prompt longer than ten minutes is refused in one line before any model runs over it (issue 42, 6). */
    @Test
    void aPromptOfMoreThanTenMinutesIsRefused() throws Exception {
        Path f = dir.resolve("long.wav");
        Files.write(f, Wave.wav(List.of(new Sample.Audio(1000, new float[1000 * (Wave.MAX_PROMPT_SECONDS + 1)]))));
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> Wave.read(f, "--prompt-wav"));
        assertEquals("--prompt-wav " + f + " holds 601.0 s of sound; a prompt may be at most 600 s (give its end, for"
                + " example: sox IN.wav OUT.wav trim -600)", e.getMessage());
        Files.write(f, Wave.wav(List.of(new Sample.Audio(1000, new float[1000 * Wave.MAX_PROMPT_SECONDS]))));
        assertEquals(1000 * Wave.MAX_PROMPT_SECONDS, Wave.read(f, "--prompt-wav").samples().length);
    }

    @Test
    void aSpectrogramShowsASineAtItsFrequency() {
        float[] x = new float[8000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
        }
        Sample.Image s = Wave.spectrogram(new Sample.Audio(8000, x));
        assertEquals(128, s.height());
        assertEquals((8000 - 256) / 64 + 1, s.width());
        int column = s.width() / 2;
        int brightest = 0;
        for (int row = 0; row < s.height(); row++) {
            if (s.pixels()[row * s.width() + column] > s.pixels()[brightest * s.width() + column]) {
                brightest = row;
            }
        }
        assertEquals(127 - 32, brightest, "1000 Hz is bin 32 of 128 up to 4000 Hz, drawn from the bottom");
        assertTrue(s.pixels()[10 * s.width() + column] < 0.3f, "far from the tone: dark");
    }

    /**
     * The spectrogram has axes in seconds and kHz at round values and marks where a prompt ends, in SVG and in the PNG
     * picture (issue 43, 6).
     */
    @Test
    void aSpectrogramHasAxesAndMarksThePromptsEnd() {
        Sample.Audio sound = new Sample.Audio(8000, new float[8000 * 5]);
        String svg = Wave.spectrogramSvg(sound, 3.36);
        for (String tick : List.of(">0</text>", ">1</text>", ">4</text>", ">5</text>", ">seconds</text>", ">kHz</text>",
                ">2</text>")) {
            assertTrue(svg.contains(tick), tick + " in " + svg.substring(svg.indexOf("\"/>") + 3));
        }
        assertTrue(svg.contains("prompt ends at 3.36 s"), "the prompt's end is marked");
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("class=\"prompt-end\" x1=\"([0-9.]+)\"")
                .matcher(svg);
        assertTrue(line.find());
        assertEquals(54 + 3.36 / 5 * (626 - 54), Double.parseDouble(line.group(1)), 0.1, "at 3.36 of 5 seconds");
        assertFalse(Wave.spectrogramSvg(sound, 0).contains("prompt-end"), "no prompt, no mark");

        float[] tone = new float[8000 * 5];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
        }
        Sample.Image bare = Wave.spectrogram(new Sample.Audio(8000, tone));
        Sample.Image marked = Wave.spectrogram(new Sample.Audio(8000, tone), 3.36);
        int column = (int) Math.round(3.36 * 8000 / 64);
        assertEquals(1f, marked.pixels()[column], "the prompt's end is a bright column");
        int changed = 0;
        for (int i = 0; i < bare.pixels().length; i++) {
            changed += bare.pixels()[i] != marked.pixels()[i] ? 1 : 0;
        }
        assertTrue(changed > 64 && changed <= 128, changed + " pixels of one column changed");
    }

    @Test
    void whatIsNotWavIsAUsageErrorNamingTheFileAndWhere() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.wav"), "not audio at all");
        UsageException e = assertThrows(UsageException.class, () -> Wave.read(text, "--prompt-wav"));
        assertEquals("--prompt-wav " + text + " at byte 0: not a WAV file (it does not start with RIFF....WAVE)",
                e.getMessage());
        assertTrue(assertThrows(UsageException.class, () -> Wave.read(dir.resolve("none.wav"), "--prompt-wav"))
                .getMessage().contains("does not exist"));
    }
}

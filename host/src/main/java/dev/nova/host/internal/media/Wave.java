package dev.nova.host.internal.media;

import dev.nova.api.Sample;
import dev.nova.formats.wav.FormatException;
import dev.nova.formats.wav.Wav;
import dev.nova.host.internal.support.UsageException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Audio samples as WAV files (16-bit mono PCM) and WAV prompts read, with Nova's one WAV codec
 * ({@code dev.nova.formats.wav}, the kit's reader of training data too); and a sound's spectrogram.
 */
public final class Wave {

    /** Silence between samples written one after another into one file. */
    static final double GAP_SECONDS = 0.5;

    private Wave() {
    }

    /**
     * The samples one after another, half a second of silence between them, as one WAV file's bytes.
     *
     * @param sounds samples at one rate
     * @return the WAV file
     */
    static byte[] wav(List<Sample.Audio> sounds) {
        return Wav.encode(sounds.stream().map(a -> new Wav.Sound(a.sampleRate(), a.samples())).toList(), GAP_SECONDS);
    }

    /**
     * A spectrogram as an image: time left to right, frequency bottom to top (0 to the Nyquist frequency), brightness
     * the magnitude in decibels over an 80 dB range below the loudest bin. Short-time Fourier transforms (commons-math3)
     * of 256-sample Hann windows every 64 samples.
     *
     * @param audio the sound
     * @return a grey-scale image, one column per window, 128 rows
     */
    public static Sample.Image spectrogram(Sample.Audio audio) {
        int size = 256;
        int hop = 64;
        int bins = size / 2;
        float[] x = audio.samples();
        int columns = Math.max(1, (x.length - size) / hop + 1);
        double[][] db = new double[columns][bins];
        double max = -Double.MAX_VALUE;
        org.apache.commons.math3.transform.FastFourierTransformer fft =
                new org.apache.commons.math3.transform.FastFourierTransformer(
                        org.apache.commons.math3.transform.DftNormalization.STANDARD);
        double[] frame = new double[size];
        for (int c = 0; c < columns; c++) {
            for (int i = 0; i < size; i++) {
                int at = c * hop + i;
                double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (size - 1));
                frame[i] = at < x.length ? x[at] * hann : 0;
            }
            org.apache.commons.math3.complex.Complex[] f = fft.transform(frame,
                    org.apache.commons.math3.transform.TransformType.FORWARD);
            for (int k = 0; k < bins; k++) {
                db[c][k] = 20 * Math.log10(f[k].abs() + 1e-9);
                max = Math.max(max, db[c][k]);
            }
        }
        float[] pixels = new float[columns * bins];
        for (int c = 0; c < columns; c++) {
            for (int k = 0; k < bins; k++) {
                double v = (db[c][k] - (max - 80)) / 80;
                pixels[(bins - 1 - k) * columns + c] = (float) Math.max(0, Math.min(1, v));
            }
        }
        return new Sample.Image(columns, bins, pixels);
    }

    /**
     * The longest sound a prompt may hold, in seconds: a model runs over every sample of its prompt before it samples
     * (a 3.3-hour prompt ran on silently past two minutes), and a text prompt is bounded too ({@code --prompt-file}).
     */
    public static final int MAX_PROMPT_SECONDS = 600;

    /**
     * Reads a WAV file as a mono prompt (channels averaged), with the reader training data is read with.
     *
     * @param file the file
     * @param what how the user named it, for messages ({@code --prompt-wav})
     * @return the audio
     * @throws UsageException naming the file, and where and how it is not WAV
     */
    public static Sample.Audio read(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(what + " " + file + " does not exist or is not a file");
        }
        try {
            Wav.Sound sound = Wav.read(file);
            double seconds = (double) sound.samples().length / sound.rate();
            if (seconds > MAX_PROMPT_SECONDS) {
                throw new UsageException(what + " " + file + " holds " + String.format(java.util.Locale.ROOT, "%.1f",
                        seconds) + " s of sound; a prompt may be at most " + MAX_PROMPT_SECONDS + " s (give its end, for"
                        + " example: sox IN.wav OUT.wav trim -" + MAX_PROMPT_SECONDS + ")");
            }
            return new Sample.Audio(sound.rate(), sound.samples());
        } catch (FormatException e) {
            throw new UsageException(what + " " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new UsageException(what + ": " + e.getMessage());
        }
    }
}

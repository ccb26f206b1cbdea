package dev.nova.host.internal.media;

import dev.nova.api.Sample;
import dev.nova.formats.wav.FormatException;
import dev.nova.formats.wav.Wav;
import dev.nova.host.internal.support.Ticks;
import dev.nova.host.internal.support.UsageException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
        int hop = HOP;
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
     * A spectrogram whose prompt's end is marked: a column of white dashes on black at the window where the prompt ends.
     *
     * @param audio the sound
     * @param promptSeconds the seconds of prompt at its start, or 0 for no mark
     * @return the picture
     */
    public static Sample.Image spectrogram(Sample.Audio audio, double promptSeconds) {
        Sample.Image picture = spectrogram(audio);
        int column = (int) Math.round(promptSeconds * audio.sampleRate() / HOP);
        if (promptSeconds <= 0 || column >= picture.width()) {
            return picture;
        }
        float[] pixels = picture.pixels().clone();
        for (int row = 0; row < picture.height(); row++) {
            pixels[row * picture.width() + column] = row % 6 < 4 ? 1f : 0f;     // white dashes on black: seen on any sound
        }
        return new Sample.Image(picture.width(), picture.height(), pixels);
    }

    /** The samples between a spectrogram's windows. */
    private static final int HOP = 64;

    /**
     * A spectrogram with its axes, as SVG: the {@linkplain #spectrogram picture} (as an embedded PNG) over time in
     * seconds and frequency in kHz, with ticks at round values, and a line where the prompt ends when a prompt began the
     * sound (what {@code --seconds} counts comes after it).
     *
     * @param audio the sound
     * @param promptSeconds the seconds of prompt at its start, or 0
     * @return an {@code svg} element (its text is its own numbers, nothing to escape)
     */
    public static String spectrogramSvg(Sample.Audio audio, double promptSeconds) {
        int width = 640;
        int height = 250;
        int left = 54;
        int right = width - 14;
        int top = 12;
        int bottom = height - 40;
        double seconds = audio.seconds();
        double khz = audio.sampleRate() / 2000.0;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"spectrogram\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height).append("\"><title>").append(String.format(Locale.ROOT,
                        "spectrogram, %.2f s at %d Hz", seconds, audio.sampleRate())).append("</title>");
        b.append("<image x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(right - left)
                .append("\" height=\"").append(bottom - top).append("\" preserveAspectRatio=\"none\" href=\"data:image/png;"
                        + "base64,").append(java.util.Base64.getEncoder().encodeToString(Png.one(spectrogram(audio))))
                .append("\"/>");
        String label = "font-size=\"11\" fill=\"#555\"";
        double[] xs = Ticks.of(0, Math.max(seconds, 1e-3), 8);
        double xStep = xs.length > 1 ? xs[1] - xs[0] : 1;
        for (double t : xs) {
            if (t > seconds + 1e-9) {
                continue;
            }
            double x = left + t / seconds * (right - left);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" %s>%s</text>", x, bottom, x, bottom + 4, x,
                    bottom + 16, label, Ticks.label(t, xStep)));
        }
        double[] ys = Ticks.of(0, khz, 4);
        double yStep = ys.length > 1 ? ys[1] - ys[0] : 1;
        for (double f : ys) {
            if (f > khz + 1e-9) {
                continue;
            }
            double y = bottom - f / khz * (bottom - top);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" %s>%s</text>", left - 4, y, left, y, left - 6,
                    y + 4, label, Ticks.label(f, yStep)));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" %s>seconds</text>",
                (left + right) / 2, height - 6, label));
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor="
                + "\"middle\" %s>kHz</text>", (top + bottom) / 2, (top + bottom) / 2, label));
        if (promptSeconds > 0 && promptSeconds < seconds) {
            double x = left + promptSeconds / seconds * (right - left);
            b.append(String.format(Locale.ROOT, "<line class=\"prompt-end\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                    + " stroke=\"#e33\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/><text x=\"%.1f\" y=\"%d\" "
                    + "fill=\"#e33\" font-size=\"11\">%s</text>", x, top, x, bottom, x + 4, top + 12,
                    String.format(Locale.ROOT, "prompt ends at %.2f s", promptSeconds)));
        }
        return b.append("</svg>").toString();
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

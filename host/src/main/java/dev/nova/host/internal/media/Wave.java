package dev.nova.host.internal.media;

import dev.nova.api.Sample;
import dev.nova.host.internal.support.UsageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Audio samples as WAV files (16-bit mono PCM) and WAV prompts read, through the JDK's {@code javax.sound.sampled}.
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
        int rate = sounds.get(0).sampleRate();
        int gap = (int) Math.round(GAP_SECONDS * rate);
        int n = sounds.stream().mapToInt(a -> a.samples().length).sum() + gap * (sounds.size() - 1);
        ByteBuffer pcm = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sounds.size(); i++) {
            if (i > 0) {
                pcm.position(pcm.position() + 2 * gap);
            }
            for (float v : sounds.get(i).samples()) {
                pcm.putShort((short) Math.round(Math.max(-1f, Math.min(1f, v)) * 32767f));
            }
        }
        AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 * n + 64);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, n)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a WAV file: " + e.getMessage(), e);
        }
        return out.toByteArray();
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
     * Reads a WAV file (or another format the JDK reads: AIFF, AU) as a mono prompt: channels averaged.
     *
     * @param file the file
     * @param what how the user named it, for messages ({@code --prompt-wav})
     * @return the audio
     * @throws UsageException naming the file when it cannot be read
     */
    public static Sample.Audio read(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(what + " " + file + " does not exist or is not a file");
        }
        try (AudioInputStream raw = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat f = raw.getFormat();
            AudioFormat pcm = new AudioFormat(f.getSampleRate(), 16, f.getChannels(), true, false);
            try (AudioInputStream in = AudioSystem.getAudioInputStream(pcm, raw)) {
                ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                int channels = f.getChannels();
                float[] mono = new float[b.capacity() / (2 * channels)];
                for (int i = 0; i < mono.length; i++) {
                    double sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += b.getShort(2 * (i * channels + c)) / 32768.0;
                    }
                    mono[i] = (float) (sum / channels);
                }
                return new Sample.Audio(Math.round(f.getSampleRate()), mono);
            }
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new UsageException(what + " " + file + " is not audio Java can read (WAV, AIFF or AU): "
                    + e.getMessage());
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }
}

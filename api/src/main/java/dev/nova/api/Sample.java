package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One generated sample.
 *
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GenerativeModel} returns it, and it has not
 * changed since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public sealed interface Sample {

    /**
     * A text sample; includes the prompt, if any, as its prefix.
     *
     * @param text the text
     */
    record Text(String text) implements Sample {
        /** Checks the argument. */
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An image, row-major, pixel values in [0,1]: grey-scale (one channel) or RGB (three channels, interleaved
     * {@code r, g, b} per pixel). Generated samples of {@link Modality#IMAGE} plugins are grey-scale; RGB is for
     * figures a plugin draws on request (plots, legends).
     *
     * @param width the width in pixels
     * @param height the height in pixels
     * @param channels 1 (grey) or 3 (RGB)
     * @param pixels {@code width * height * channels} values in [0,1]
     */
    record Image(int width, int height, int channels, float[] pixels) implements Sample {
        /** Checks the arguments. */
        public Image {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("An image has 1 or 3 channels, found " + channels);
            }
            if (width < 1 || height < 1 || pixels.length != width * height * channels) {
                throw new IllegalArgumentException("Image of " + width + "x" + height + "x" + channels + " needs "
                        + width * height * channels + " pixels, found " + pixels.length);
            }
        }

        /**
         * A grey-scale image.
         *
         * @param width the width in pixels
         * @param height the height in pixels
         * @param pixels {@code width * height} values in [0,1]
         */
        public Image(int width, int height, float[] pixels) {
            this(width, height, 1, pixels);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Image i && i.width == width && i.height == height && i.channels == channels
                    && java.util.Arrays.equals(i.pixels, pixels);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * width + height) + channels) + java.util.Arrays.hashCode(pixels);
        }

        @Override
        public String toString() {
            return "Image[" + width + "x" + height + (channels == 3 ? " RGB" : "") + "]";
        }
    }

    /**
     * Mono audio: samples (PCM as floats) in [-1,1] at a sample rate; includes the prompt, if any, as its beginning.
     *
     * @param sampleRate samples per second, at least 1
     * @param samples the values, each finite and in [-1,1]
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    record Audio(int sampleRate, float[] samples) implements Sample {
        /** Checks the arguments: a positive rate and every value finite and in [-1,1]. */
        public Audio {
            if (sampleRate < 1) {
                throw new IllegalArgumentException("An audio sample rate is at least 1 Hz, found " + sampleRate);
            }
            for (int i = 0; i < samples.length; i++) {
                float v = samples[i];
                if (!(v >= -1f && v <= 1f)) {
                    throw new IllegalArgumentException("Audio samples are finite and in [-1, 1]; sample " + i + " is "
                            + v);
                }
            }
        }

        /** The duration in seconds. */
        public double seconds() {
            return samples.length / (double) sampleRate;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Audio a && a.sampleRate == sampleRate && java.util.Arrays.equals(a.samples, samples);
        }

        @Override
        public int hashCode() {
            return 31 * sampleRate + java.util.Arrays.hashCode(samples);
        }

        @Override
        public String toString() {
            return "Audio[" + samples.length + " samples at " + sampleRate + " Hz]";
        }
    }
}

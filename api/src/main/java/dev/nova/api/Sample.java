package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One generated sample.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
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
     * A grey-scale image, row-major, pixel values in [0,1].
     *
     * @param width the width in pixels
     * @param height the height in pixels
     * @param pixels {@code width * height} values in [0,1]
     */
    record Image(int width, int height, float[] pixels) implements Sample {
        /** Checks the arguments. */
        public Image {
            if (width < 1 || height < 1 || pixels.length != width * height) {
                throw new IllegalArgumentException("Image of " + width + "x" + height + " needs " + width * height
                        + " pixels, found " + pixels.length);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Image i && i.width == width && i.height == height
                    && java.util.Arrays.equals(i.pixels, pixels);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * width + height) + java.util.Arrays.hashCode(pixels);
        }

        @Override
        public String toString() {
            return "Image[" + width + "x" + height + "]";
        }
    }
}

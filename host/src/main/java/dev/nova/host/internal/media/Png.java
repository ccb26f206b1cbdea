package dev.nova.host.internal.media;

import dev.nova.api.Sample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** Image samples as PNG files: one grid of several, or one image. */
public final class Png {

    private Png() {
    }

    /**
     * The PNG of samples laid out in a grid, as close to square as their shape allows (wide strips stack in one
     * column), on an RGB canvas when any of them has colour.
     *
     * @param images the samples
     * @return the PNG file's bytes
     */
    static byte[] grid(List<Sample.Image> images) {
        return encode(gridImage(images), "a PNG grid");
    }

    /**
     * The PNG of one image.
     *
     * @param image the image
     * @return the PNG file's bytes
     */
    public static byte[] one(Sample.Image image) {
        return encode(oneImage(image), "a PNG image");
    }

    private static BufferedImage gridImage(List<Sample.Image> images) {
        int n = images.size();
        int w = images.stream().mapToInt(Sample.Image::width).max().orElse(1);
        int h = images.stream().mapToInt(Sample.Image::height).max().orElse(1);
        int cols = Math.max(1, Math.min(n, (int) Math.round(Math.sqrt((double) n * h / w))));
        int rows = (n + cols - 1) / cols;
        int pad = 2;
        boolean rgb = images.stream().anyMatch(i -> i.channels() == 3);
        BufferedImage grid = new BufferedImage(cols * (w + pad) + pad, rows * (h + pad) + pad,
                rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < n; i++) {
            draw(grid, images.get(i), pad + (i % cols) * (w + pad), pad + (i / cols) * (h + pad));
        }
        return grid;
    }

    private static BufferedImage oneImage(Sample.Image image) {
        BufferedImage img = new BufferedImage(image.width(), image.height(),
                image.channels() == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        draw(img, image, 0, 0);
        return img;
    }

    private static void draw(BufferedImage target, Sample.Image image, int x0, int y0) {
        float[] p = image.pixels();
        int c = image.channels();
        boolean rgbTarget = target.getType() == BufferedImage.TYPE_INT_RGB;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int o = (y * image.width() + x) * c;
                int r = level(p[o]);
                if (!rgbTarget) {
                    target.getRaster().setSample(x0 + x, y0 + y, 0, r);
                } else {
                    int g = c == 3 ? level(p[o + 1]) : r;
                    int b = c == 3 ? level(p[o + 2]) : r;
                    target.setRGB(x0 + x, y0 + y, (r << 16) | (g << 8) | b);
                }
            }
        }
    }

    private static int level(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }

    /**
     * Turns off ImageIO's file cache before a PNG is encoded: PNGs (samples, the loss chart) are encoded in memory,
     * and the cache registers a shutdown hook per stream, which fails (and lost the interrupt checkpoint) when a PNG
     * is written while the JVM shuts down. Called by the commands that write PNGs before they start (training, and
     * generating images), not by every command: initialising ImageIO (AWT's toolkit, the logging bridge) took 60 ms,
     * {@code nova plugins} included. Never first called during shutdown: initialising ImageIO then hung the JVM's
     * exit (InterruptIT).
     */
    public static void encodeInMemory() {
        ImageIO.setUseCache(false);
    }

    private static byte[] encode(BufferedImage img, String what) {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        encodeInMemory();
        try {
            if (!ImageIO.write(img, "png", png)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + what + ": " + e.getMessage(), e);
        }
        return png.toByteArray();
    }
}

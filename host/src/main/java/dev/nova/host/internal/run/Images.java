package dev.nova.host.internal.run;

import dev.nova.api.Sample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Writes image samples as PNG files: one grid, and optionally one file per sample. */
final class Images {

    private Images() {
    }

    static void writeGrid(List<Sample.Image> images, Path file) {
        int n = images.size();
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int w = images.get(0).width();
        int h = images.get(0).height();
        int pad = 2;
        BufferedImage grid = new BufferedImage(cols * (w + pad) + pad, rows * (h + pad) + pad, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < n; i++) {
            draw(grid, images.get(i), pad + (i % cols) * (w + pad), pad + (i / cols) * (h + pad));
        }
        write(grid, file);
    }

    static void writeOne(Sample.Image image, Path file) {
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
        draw(img, image, 0, 0);
        write(img, file);
    }

    private static void draw(BufferedImage target, Sample.Image image, int x0, int y0) {
        float[] p = image.pixels();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                float v = Math.max(0f, Math.min(1f, p[y * image.width() + x]));
                int g = Math.round(v * 255f);
                target.getRaster().setSample(x0 + x, y0 + y, 0, g);
            }
        }
    }

    private static void write(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            ImageIO.write(img, "png", tmp.toFile());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

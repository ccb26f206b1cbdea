package dev.nova.kit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.PluginException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders and the built-in data. */
class ImageDataTests {

    @TempDir
    Path dir;

    private static void png(Path file, int size, Color color, String format) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, size, size);
        g.dispose();
        ImageIO.write(img, format, file.toFile());
    }

    @Test
    void aFolderOfClassFoldersLoadsAsGreyImagesOfTheConfiguredSizeWithLabels() throws IOException {
        png(dir.resolve("cats/a.png"), 40, Color.WHITE, "png");
        png(dir.resolve("cats/b.PNG"), 40, Color.WHITE, "png");
        png(dir.resolve("dogs/c.jpg"), 64, Color.BLACK, "jpg");
        Files.writeString(dir.resolve("dogs/notes.txt"), "not an image");
        ImageSet s = ImageData.readFolder("vae", dir, 8);
        assertEquals(3, s.count());
        assertEquals(8, s.size());
        assertEquals(List.of("cats", "dogs"), s.classes());
        assertEquals(0, s.labels()[0]);
        assertEquals(1, s.labels()[2]);
        assertEquals(1f, s.image(0)[27], 1e-6f, "white becomes 1");
        assertEquals(0f, s.image(2)[27], 0.02f, "black becomes 0");
    }

    @Test
    void aFlatFolderHasNoLabels() throws IOException {
        png(dir.resolve("a.png"), 10, Color.GRAY, "png");
        png(dir.resolve("b.png"), 10, Color.GRAY, "png");
        ImageSet s = ImageData.readFolder("vae", dir, 10);
        assertNull(s.labels());
        assertEquals(128 / 255f, s.image(1)[0], 0.01f, "grey keeps its level");
    }

    @Test
    void oneClassFolderIsDataOfOneClass() throws IOException {
        png(dir.resolve("cats/a.png"), 10, Color.GRAY, "png");
        png(dir.resolve("cats/b.png"), 10, Color.WHITE, "png");
        ImageSet s = ImageData.readFolder("vae", dir, 10);
        assertEquals(List.of("cats"), s.classes());
        assertEquals(List.of(0, 0), java.util.Arrays.stream(s.labels()).boxed().toList());
    }

    @Test
    void aBrokenImageIsAnErrorNamingTheFile() throws IOException {
        png(dir.resolve("a.png"), 10, Color.GRAY, "png");
        Path bad = Files.write(dir.resolve("b.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        PluginException e = assertThrows(PluginException.class, () -> ImageData.readFolder("vae", dir, 10));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("PNG/JPEG"), e.getMessage());
    }

    @Test
    void missingAndEmptyDataAreErrorsThatSayWhatToDo() throws IOException {
        PluginException missing = assertThrows(PluginException.class,
                () -> ImageData.load("vae", dir.resolve("nowhere").toString(), 28, 0.1));
        assertTrue(missing.getMessage().contains("dataset-fashion-mnist"), missing.getMessage());
        PluginException empty = assertThrows(PluginException.class, () -> ImageData.load("vae", dir.toString(), 28, 0.1));
        assertTrue(empty.getMessage().contains("no .png/.jpg/.jpeg images"), empty.getMessage());
        PluginException builtin = assertThrows(PluginException.class, () -> ImageData.load("vae", "builtin:mnist", 28, 0.1));
        assertTrue(builtin.getMessage().contains("builtin:shapes"), builtin.getMessage());
    }

    @Test
    void theHoldoutKeepsEveryClassOnBothSides() {
        ImageSet.Split s = ImageData.load("vae", "builtin:shapes", 12, 0.1);
        assertEquals(2700, s.train().count());
        assertEquals(300, s.test().count());
        for (ImageSet set : List.of(s.train(), s.test())) {
            for (int c = 0; c < 4; c++) {
                final int cls = c;
                assertTrue(java.util.Arrays.stream(set.labels()).filter(l -> l == cls).count() > set.count() / 8,
                        "class " + c + " is represented");
            }
        }
    }
}

package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image-gru plugin end to end through the launcher on Debian's Fashion-MNIST (CI installs it, see .ci/run): a
 * few steps of encoder mode on a slice of the data, then generation with and without a class, and the evaluation.
 */
class ImageGruFashionMnistIT {

    @TempDir
    static Path dir;

    static Path run;

    @BeforeAll
    static void train() throws Exception {
        assumeTrue(Files.isRegularFile(VaeFashionMnistIT.DATA.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        run = dir.resolve("run");
        LauncherIT.Run r = LauncherIT.novaIn(dir, "train", "--plugin", "image-gru", "--run-dir", run.toString(),
                "--set", "nova.train.steps=30", "--set", "nova.train.eval-every=30", "--set", "nova.train.samples=4",
                "--set", "plugins.image-gru.data.path=" + VaeFashionMnistIT.DATA,
                "--set", "plugins.image-gru.data.limit=2000", "--set", "plugins.image-gru.model.hidden=64",
                "--set", "plugins.image-gru.model.encoder=[64]", "--set", "plugins.image-gru.train.batch=64",
                "--set", "plugins.image-gru.eval.images=300");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void withoutAClassTheGridHasOneRowPerClass() throws Exception {
        Path grid = dir.resolve("grid.png");
        LauncherIT.Run r = LauncherIT.novaIn(dir, "generate", run.toString(), "-n", "5", "--out", grid.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(grid.toFile());
        assertEquals(5 * 30 + 2, img.getWidth(), "5 columns of 28 pixels with 2-pixel gaps");
        assertEquals(10 * 28 + 9 + 4, img.getHeight(), "10 classes of 28 rows in each column");
    }

    @Test
    void aClassByNameOrIndexGivesThatClass() throws Exception {
        Path grid = dir.resolve("trousers.png");
        LauncherIT.Run r = LauncherIT.novaIn(dir, "generate", run.toString(), "-n", "4", "--option", "class=Trouser",
                "--option", "rows=bernoulli", "--out", grid.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2 * 30 + 2, ImageIO.read(grid.toFile()).getWidth());
        LauncherIT.Run bad = LauncherIT.novaIn(dir, "generate", run.toString(), "--option", "class=12");
        assertTrue(bad.code() != 0 && bad.err().contains("option class must be a class of the model, by name or index (0 = "), bad.err());
    }

    @Test
    void evaluationReportsTheElboAndTheDiversity() throws Exception {
        LauncherIT.Run r = LauncherIT.novaIn(dir, "evaluate", run.toString(), "--option", "importance-samples=3");
        assertEquals(0, r.code(), r.err());
        String all = r.out() + r.err();
        for (String metric : new String[] {"loss", "reconstruction", "kl", "iwae-nll", "diversity-ratio"}) {
            assertTrue(all.contains(metric), "evaluate prints " + metric + ": " + all);
        }
    }
}

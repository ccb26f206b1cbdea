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
 * The vae plugin end to end through the launcher, on Debian's Fashion-MNIST ({@code apt-get install
 * dataset-fashion-mnist}; CI installs it, see .ci/run): a short run on a slice of the data, then every generation
 * mode and the evaluation.
 */
class VaeFashionMnistIT {

    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    static Path dir;

    static Path run;

    @BeforeAll
    static void train() throws Exception {
        assumeTrue(Files.isRegularFile(DATA.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        run = dir.resolve("run");
        LauncherIT.Run r = LauncherIT.novaIn(dir, "train", "--plugin", "vae", "--run-dir", run.toString(),
                "--set", "nova.train.steps=60", "--set", "nova.train.eval-every=30", "--set", "nova.train.samples=16",
                "--set", "plugins.vae.data.path=" + DATA, "--set", "plugins.vae.data.limit=3000",
                "--set", "plugins.vae.model.encoder=[128]", "--set", "plugins.vae.model.latent=2",
                "--set", "plugins.vae.train.batch=64", "--set", "plugins.vae.eval.images=1000");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aRunLeavesCheckpointsSamplesAndALossCurve() throws Exception {
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/latest.ckpt")));
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/best.ckpt")));
        assertTrue(Files.isRegularFile(run.resolve("loss.png")));
        BufferedImage grid = ImageIO.read(run.resolve("samples/step-00000060.png").toFile());
        assertEquals(4 * 30 + 2, grid.getWidth(), "16 samples of 28x28 in a 4x4 grid with 2-pixel gaps");
    }

    @Test
    void everyGenerationModeWritesItsFigure() throws Exception {
        Path prior = dir.resolve("prior.png");
        assertEquals(0, LauncherIT.novaIn(dir, "generate", run.toString(), "-n", "9", "--out", prior.toString()).code());
        assertEquals(3 * 30 + 2, ImageIO.read(prior.toFile()).getWidth());

        Path recon = dir.resolve("recon.png");
        LauncherIT.Run r = LauncherIT.novaIn(dir, "generate", run.toString(), "-n", "4", "--option", "mode=reconstruct",
                "--out", recon.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2 * 28 + 1 + 4, ImageIO.read(recon.toFile()).getWidth(), "pairs of original | reconstruction");

        Path strips = dir.resolve("strips.png");
        r = LauncherIT.novaIn(dir, "generate", run.toString(), "-n", "3", "--option", "mode=interpolate",
                "--option", "steps=6", "--out", strips.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage s = ImageIO.read(strips.toFile());
        assertEquals(6 * 28 + 5 + 4, s.getWidth(), "strips stack in one column");
        assertEquals(3 * 30 + 2, s.getHeight());

        Path scatter = dir.resolve("scatter.png");
        r = LauncherIT.novaIn(dir, "generate", run.toString(), "--option", "mode=scatter", "--out", scatter.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage fig = ImageIO.read(scatter.toFile());
        assertTrue(fig.getColorModel().getNumComponents() >= 3, "the scatter is in colour");
    }

    @Test
    void evaluationReportsTheElboItsPartsAndTheIwaeBound() throws Exception {
        LauncherIT.Run r = LauncherIT.novaIn(dir, "evaluate", run.toString(), "--option", "importance-samples=5");
        assertEquals(0, r.code(), r.err());
        String all = r.out() + r.err();
        for (String metric : new String[] {"loss", "reconstruction", "kl", "iwae-nll"}) {
            assertTrue(all.contains(metric), "evaluate prints " + metric + ": " + all);
        }
    }

    @Test
    void aMissingDataFolderIsAOneLineErrorThatSaysWhatToInstall() throws Exception {
        LauncherIT.Run r = LauncherIT.novaIn(dir, "train", "--plugin", "vae", "--run-dir", dir.resolve("bad").toString(),
                "--set", "plugins.vae.data.path=" + dir.resolve("nowhere"));
        assertEquals(2, r.code(), "a configuration error, before a run exists: " + r.err());
        assertTrue(!Files.exists(dir.resolve("bad")), "no run directory");
        java.util.List<String> lines = r.err().strip().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("nova: ") && last.contains("dataset-fashion-mnist") && last.contains("nowhere"), r.err());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), "no stack trace: " + r.err());
    }
}

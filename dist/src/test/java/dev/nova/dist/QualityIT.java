package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sample quality through the launcher (issue 27): a small text-gru run measured by {@code nova evaluate --quality}
 * and recorded at each evaluation ({@code nova.train.quality}), and gates that pass, fail (exit 4) or name an unknown
 * metric (exit 2).
 */
class QualityIT {

    @TempDir
    Path dir;

    @Test
    void textQualityIsMeasuredRecordedAndGated() throws Exception {
        Path run = dir.resolve("run");
        LauncherIT.Run train = LauncherIT.novaIn(dir, "train", "--plugin", "text-gru", "--run-dir", run.toString(),
                "--set", "nova.train.steps=20", "--set", "nova.train.eval-every=10", "--set", "nova.train.samples=0",
                "--set", "plugins.text-gru.model.hidden=32", "--set", "plugins.text-gru.model.embedding=8",
                "--set", "plugins.text-gru.eval.batches=2", "--set", "nova.train.quality=true",
                "--set", "nova.quality.samples=8", "--set", "nova.quality.length=60",
                "--set", "nova.gates=[\"held-out-loss < 100\"]");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.err().contains("quality step 10 | copy-rate-8 "), train.err());
        List<String> evals = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"eval\"")).toList();
        assertEquals(2, evals.size());
        assertTrue(evals.get(1).contains("\"copy-rate-8\":") && evals.get(1).contains("\"real.copy-rate-8\":")
                && evals.get(1).contains("\"distinct-2\":") && evals.get(1).contains("\"longest-copy\":"), evals.get(1));

        LauncherIT.Run q = LauncherIT.novaIn(dir, "evaluate", run.toString(), "--quality", "--samples", "10");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("sample quality: 10 samples of 60 characters, seed 1234"), q.out());
        assertTrue(q.out().lines().anyMatch(l -> l.startsWith("copy-rate-8 ") && l.trim().split("\\s+").length == 3),
                q.out());

        LauncherIT.Run pass = LauncherIT.novaIn(dir, "evaluate", run.toString(), "--gates");
        assertEquals(0, pass.code(), pass.out() + pass.err());
        assertTrue(pass.out().contains("held-out-loss") && pass.out().contains("yes"), pass.out());

        LauncherIT.Run fail = LauncherIT.novaIn(dir, "evaluate", run.toString(), "--gate", "distinct-1 > 2",
                "--samples", "5");
        assertEquals(4, fail.code(), fail.out() + fail.err());
        assertTrue(fail.err().contains("nova: 1 of 2 quality gates failed: distinct-1 = "), fail.err());
        assertTrue(fail.err().contains("needs > 2"), fail.err());

        LauncherIT.Run unknown = LauncherIT.novaIn(dir, "evaluate", run.toString(), "--gate", "fid < 3");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("names metric 'fid', which this run does not report"), unknown.err());
        assertFalse(unknown.err().contains("\tat "), unknown.err());

        LauncherIT.Run malformed = LauncherIT.novaIn(dir, "train", "--plugin", "text-gru", "--run-dir",
                dir.resolve("bad").toString(), "--set", "nova.gates=[\"loss is low\"]");
        assertEquals(2, malformed.code(), malformed.err());
        assertTrue(malformed.err().contains("nova.gates: 'loss is low' is not a gate"), malformed.err());
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    /**
     * Image quality of a class-conditional model on the built-in shapes: the reference extractor is trained once and
     * cached under the data's fingerprint (in NOVA_CACHE_DIR), the metrics come with their real-data floors.
     */
    @Test
    void imageQualityTrainsAndCachesTheExtractorAndMeasuresEachClass() throws Exception {
        Path run = dir.resolve("image-run");
        java.util.Map<String, String> env = java.util.Map.of("NOVA_CACHE_DIR", dir.resolve("cache").toString());
        LauncherIT.Run train = LauncherIT.novaIn(dir, env, "train", "--plugin", "image-gru", "--run-dir", run.toString(),
                "--set", "plugins.image-gru.data.path=builtin:shapes", "--set", "plugins.image-gru.data.image-size=10",
                "--set", "nova.train.steps=10", "--set", "nova.train.eval-every=10", "--set", "nova.train.samples=0",
                "--set", "plugins.image-gru.model.hidden=16", "--set", "plugins.image-gru.eval.images=40");
        assertEquals(0, train.code(), train.err());
        LauncherIT.Run q = LauncherIT.novaIn(dir, env, "evaluate", run.toString(), "--quality", "--samples", "80");
        assertEquals(0, q.code(), q.out() + q.err());
        assertTrue(q.out().contains("reference extractor: classifier 100-256-64-4"), q.out());
        for (String metric : List.of("fd ", "precision ", "recall ", "class-consistency ", "fd.disc ", "fd.cross ")) {
            assertTrue(q.out().lines().anyMatch(l -> l.startsWith(metric)), metric + " in " + q.out());
        }
        // A model trained for 10 steps is far from the data; real training images are close to the held-out ones.
        String[] fd = q.out().lines().filter(l -> l.startsWith("fd ")).findFirst().orElseThrow().trim().split("\\s+");
        assertTrue(Double.parseDouble(fd[1]) > Double.parseDouble(fd[2]), "the floor is below the model: " + q.out());
        try (var files = Files.list(dir.resolve("cache/extractors"))) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".bin")).count(), "trained once, cached");
        }
        LauncherIT.Run again = LauncherIT.novaIn(dir, env, "evaluate", run.toString(), "--gate", "fd < 1e9",
                "--samples", "40");
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("fd") && again.out().contains("yes"), again.out());
    }

    /** Quality at each evaluation of images without classes (no extractor to train): refused before the run starts. */
    @Test
    void imageQualityWithoutClassesIsRefusedBeforeTheRun() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 30; i++) {
            java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(8, 8,
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 64; p++) {
                im.getRaster().setSample(p % 8, p / 8, 0, r.nextInt(256));
            }
            javax.imageio.ImageIO.write(im, "png", plain.resolve(i + ".png").toFile());
        }
        Path run = dir.resolve("plain-run");
        LauncherIT.Run train = LauncherIT.novaIn(dir, java.util.Map.of("NOVA_CACHE_DIR", dir.resolve("cache").toString()),
                "train", "--plugin", "vae", "--run-dir", run.toString(), "--set", "plugins.vae.data.path=" + plain,
                "--set", "plugins.vae.data.image-size=8", "--set", "nova.train.steps=4", "--set", "nova.train.quality=true");
        assertEquals(2, train.code(), train.err());
        assertTrue(train.err().contains("plugin 'vae' offers no feature space for image metrics"), train.err());
        assertFalse(Files.exists(run), "no run folder");
    }
}

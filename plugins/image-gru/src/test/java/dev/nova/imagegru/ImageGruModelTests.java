package dev.nova.imagegru;

import dev.nova.kit.nn.Flops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.TrainingRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin through its provider, on tiny synthetic data. */
class ImageGruModelTests {

    @TempDir
    Path dir;

    private final ImageGruProvider provider = new ImageGruProvider();

    private ModelContext context() throws Exception {
        return ModelContext.of(7, Files.createDirectories(dir.resolve("work")), dir);
    }

    private Config shapes(String extra) {
        return ConfigFactory.parseString("""
                data { path = "builtin:shapes", image-size = 10, holdout = 0.1, limit = 600 }
                model { latent = 4, hidden = 32, encoder = [32] }
                train { batch = 32, learning-rate = 5e-3, kl-warmup-steps = 50 }
                eval { images = 100, batch = 100, diversity-samples = 4 }
                """ + extra);
    }

    /**
     * Two classes told apart by one pixel statistic: "stripes" (bright every other row) and "blocks" (a bright
     * square), 8x8 PNG files in class folders, with random brightness and offsets.
     */
    private Path stripesAndBlocks() throws Exception {
        Random r = new Random(5);
        for (String cls : List.of("stripes", "blocks")) {
            Path folder = Files.createDirectories(dir.resolve("two").resolve(cls));
            for (int i = 0; i < 60; i++) {
                int[] img = new int[64];
                int level = 180 + r.nextInt(76);
                int phase = r.nextInt(2);
                int x0 = r.nextInt(3);
                int y0 = r.nextInt(3);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        boolean on = cls.equals("stripes") ? (y + phase) % 2 == 0
                                : x >= x0 && x < x0 + 5 && y >= y0 && y < y0 + 5;
                        img[y * 8 + x] = on ? level : 0;
                    }
                }
                Files.write(folder.resolve(i + ".png"), png(img, 8));
            }
        }
        return dir.resolve("two");
    }

    /** A grey-scale PNG, written by hand (the plugin module does not read java.desktop). */
    private static byte[] png(int[] levels, int size) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int y = 0; y < size; y++) {
            raw.write(0);
            for (int x = 0; x < size; x++) {
                raw.write(levels[y * size + x]);
            }
        }
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        byte[] buf = new byte[4096];
        int z = deflater.deflate(buf);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(size).putInt(size).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", header.array());
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, z));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] body) throws Exception {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(body);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(body);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Mean absolute difference between vertically adjacent pixels: high for stripes, low for blocks. */
    private static double rowContrast(Sample s) {
        Sample.Image img = (Sample.Image) s;
        double d = 0;
        for (int y = 1; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                d += Math.abs(img.pixels()[y * img.width() + x] - img.pixels()[(y - 1) * img.width() + x]);
            }
        }
        return d / ((img.height() - 1) * img.width());
    }

    @Test
    void theHeldOutLossFallsAndTheEvaluationReportsItsParts() throws Exception {
        GenerativeModel m = provider.create(shapes(""), context());
        double before = m.evaluate(EvaluationRequest.heldOut(1)).get("loss");
        m.train(TrainingRequest.of(150), e -> { });
        Map<String, Double> after = m.evaluate(EvaluationRequest.heldOut(1));
        assertTrue(after.get("loss") < 0.7 * before, "held-out -ELBO " + before + " -> " + after);
        assertEquals(after.get("reconstruction") + after.get("kl"), after.get("loss"), 1e-6);
        assertTrue(after.get("diversity-real") > 0 && after.containsKey("diversity-ratio"), after.toString());
        Map<String, Double> iwae = m.evaluate(new EvaluationRequest(java.util.Optional.empty(), 1,
                Map.of("importance-samples", 5)));
        assertTrue(iwae.get("iwae-nll") <= iwae.get("loss") + 1.0, "IWAE is a tighter bound: " + iwae);
    }

    @Test
    void samplesOfAClassHaveThatClasssPixelStatistic() throws Exception {
        Path data = stripesAndBlocks();
        GenerativeModel m = provider.create(ConfigFactory.parseString("""
                data { path = "%s", image-size = 8, holdout = 0.1 }
                model { latent = 2, hidden = 32, latent-mode = prior }
                train { batch = 24, learning-rate = 1e-2 }
                """.formatted(data.toString().replace("\\", "\\\\"))), context());
        m.train(TrainingRequest.of(300), e -> { });
        double stripes = 0;
        double blocks = 0;
        for (Sample s : m.generate(GenerationRequest.of(6, 3).with("class", "stripes"))) {
            stripes += rowContrast(s) / 6;
        }
        for (Sample s : m.generate(GenerationRequest.of(6, 3).with("class", "blocks"))) {
            blocks += rowContrast(s) / 6;
        }
        assertTrue(stripes > 2 * blocks, "row contrast of stripes samples " + stripes + ", of blocks samples " + blocks);
    }

    @Test
    void inEncoderModeTwoCodesGiveTwoDifferentSamplesOfOneClass() throws Exception {
        GenerativeModel m = provider.create(shapes(""), context());
        m.train(TrainingRequest.of(150), e -> { });
        List<Sample> two = m.generate(GenerationRequest.of(2, 9).with("class", 1));
        float[] a = ((Sample.Image) two.get(0)).pixels();
        float[] b = ((Sample.Image) two.get(1)).pixels();
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            sq += (a[i] - b[i]) * (a[i] - b[i]);
        }
        assertTrue(Math.sqrt(sq / a.length) > 0.02, "RMS difference of two samples of one class: " + Math.sqrt(sq / a.length));
    }

    @Test
    void withoutAClassEachSampleIsAColumnWithOneImagePerClass() throws Exception {
        GenerativeModel m = provider.create(shapes(""), context());
        List<Sample> columns = m.generate(GenerationRequest.of(3, 1));
        assertEquals(3, columns.size());
        Sample.Image c = (Sample.Image) columns.get(0);
        assertEquals(10, c.width());
        assertEquals(4 * 10 + 3, c.height(), "4 classes of 10 rows with 1-pixel gaps");
    }

    @Test
    void resumeIsExact() throws Exception {
        GenerativeModel straight = provider.create(shapes(""), context());
        straight.train(TrainingRequest.of(30), e -> { });
        GenerativeModel first = provider.create(shapes(""), context());
        first.train(TrainingRequest.of(12), e -> { });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.save(bytes);
        GenerativeModel resumed = provider.restore(shapes(""), context(), new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(12, resumed.step());
        resumed.train(TrainingRequest.of(18), e -> { });
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        straight.save(a);
        resumed.save(b);
        assertArrayEquals(a.toByteArray(), b.toByteArray(), "30 steps straight and 12 + 18 resumed are the same model");
    }

    @Test
    void reconstructionAndInterpolationGiveStrips() throws Exception {
        GenerativeModel m = provider.create(shapes(""), context());
        Sample.Image pair = (Sample.Image) m.generate(GenerationRequest.of(2, 1).with("mode", "reconstruct")).get(0);
        assertEquals(21, pair.width(), "original | gap | reconstruction");
        Sample.Image strip = (Sample.Image) m.generate(GenerationRequest.of(1, 1).with("mode", "interpolate")
                .with("steps", "5")).get(0);
        assertEquals(5 * 10 + 4, strip.width());
    }

    @Test
    void badOptionsNameTheOptionAndWhatIsAllowed() throws Exception {
        GenerativeModel m = provider.create(shapes(""), context());
        PluginException e = assertThrows(PluginException.class, () -> m.generate(GenerationRequest.of(1, 1).with("class", 9)));
        assertTrue(e.getMessage().contains("option class must be a class of the model, by name or index (0 = disc,"
                + " 1 = ring, 2 = square, 3 = cross), found 9"), e.getMessage());
        GenerativeModel prior = provider.create(shapes("model.latent-mode = prior"), context());
        PluginException p = assertThrows(PluginException.class,
                () -> prior.generate(GenerationRequest.of(1, 1).with("mode", "reconstruct")));
        assertTrue(p.getMessage().contains("needs the encoder"), p.getMessage());
        PluginException u = assertThrows(PluginException.class,
                () -> provider.create(shapes("data.path = \"" + dir.resolve("none").toString().replace("\\", "\\\\") + "\""),
                        context()));
        assertTrue(u.getMessage().contains("does not exist"), u.getMessage());
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRefused() throws Exception {
        GenerativeModel m = provider.create(shapes(""), context());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.save(bytes);
        PluginException e = assertThrows(PluginException.class, () -> provider.restore(shapes("model.hidden = 16"),
                context(), new ByteArrayInputStream(bytes.toByteArray())));
        assertTrue(e.getMessage().contains("GRU 1x32") && e.getMessage().contains("GRU 1x16"), e.getMessage());
    }

    @Test
    void theDeclaredModelFlopsAreTheFlopsAStepRuns() throws Exception {
        for (String mode : List.of("model { latent-mode = encoder, layers = 2 }", "model.latent-mode = prior")) {
            Flops.StepCount count = Flops.countStep(provider.create(shapes(mode), context()));
            assertTrue(count.ran() > 0);
            assertEquals(count.ran(), count.declared(), 0.0, "model FLOPs of one step, " + mode);
        }
    }

    /**
     * Fine-tuning on a folder with a class the parent never saw: the known class keeps its row (by name), the new one
     * gets a row of its own, every parent value stays where its class is, and the notice names the new class.
     */
    @Test
    void fineTuningOnANewClassAddsItsRowAndKeepsTheOthers() throws Exception {
        GenerativeModel parent = provider.create(shapes(""), context());
        parent.train(TrainingRequest.of(3), e -> { });
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        parent.save(payload);
        Random r = new Random(3);
        for (String cls : List.of("ring", "stripes")) {
            Path folder = Files.createDirectories(dir.resolve("new").resolve(cls));
            for (int i = 0; i < 20; i++) {
                int[] img = new int[64];
                for (int p = 0; p < 64; p++) {
                    img[p] = cls.equals("stripes") ? ((p / 8) % 2) * 200 : r.nextInt(256);
                }
                Files.write(folder.resolve(i + ".png"), png(img, 8));
            }
        }
        Config config = shapes("data { path = \"" + dir.resolve("new") + "\", limit = 0 }");
        List<String> notices = new java.util.ArrayList<>();
        GenerativeModel child = provider.fineTuning().orElseThrow().create(config, context(),
                new dev.nova.api.FineTuneRequest(new ByteArrayInputStream(payload.toByteArray()), shapes(""), false,
                        notices::add));
        assertEquals(List.of("disc", "ring", "square", "cross", "stripes"),
                ((dev.nova.imagegru.internal.ImageGruModel) child).classNames());
        assertEquals(List.of("added 1 class the parent model never saw (now 5): stripes"), notices);
        dev.nova.api.Tuning before = parent.tuning().orElseThrow();
        dev.nova.api.Tuning after = child.tuning().orElseThrow();
        // state.w: [classes + latent, hidden]: the 4 class rows stay, the latent rows move down by one
        float[] a = before.values("state.w");
        float[] b = after.values("state.w");
        int cols = 32;
        for (int row = 0; row < 4 + 4; row++) {
            int to = row < 4 ? row : row + 1;
            assertArrayEquals(java.util.Arrays.copyOfRange(a, row * cols, (row + 1) * cols),
                    java.util.Arrays.copyOfRange(b, to * cols, (to + 1) * cols), "state.w row " + row);
        }
        // enc0.w: [pixels + classes, 32]: every parent row where it was, the new class's row after them
        float[] e = before.values("enc0.w");
        float[] f = after.values("enc0.w");
        assertArrayEquals(e, java.util.Arrays.copyOf(f, e.length), "pixels and the 4 old classes keep their rows");
        Map<String, Double> m = child.evaluate(EvaluationRequest.heldOut(1));
        assertTrue(Double.isFinite(m.get(GenerativeModel.LOSS)), m.toString());
        // Freezing a parameter that grew says that its new row is never trained (issue 43, 5); one that did not grow,
        // nothing.
        after.freeze(List.of("enc0.b"));
        assertEquals(1, notices.size(), notices.toString());
        after.freeze(List.of("state.w", "enc0.b"));
        assertEquals("warning: freezing state.w keeps the 1 row grown for what the parent never saw (new characters or"
                + " classes) at its initial values: it is never trained; leave it out of nova.finetune.freeze to"
                + " train them", notices.get(1));
        child.train(TrainingRequest.of(2), ev -> { });
        assertEquals(2, child.step());
        child.close();
        parent.close();
    }
}

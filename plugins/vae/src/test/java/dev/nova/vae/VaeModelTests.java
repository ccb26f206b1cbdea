package dev.nova.vae;

import dev.nova.kit.nn.Flops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin through its provider, on the synthetic shapes at 12x12. */
class VaeModelTests {

    @TempDir
    Path dir;

    private final VaeProvider provider = new VaeProvider();

    private Config config(String extra) {
        return ConfigFactory.parseString("""
                data { path = "builtin:shapes", image-size = 12, holdout = 0.1, limit = 1000 }
                model { encoder = [64], latent = 4 }
                train { batch = 32, learning-rate = 3e-3 }
                """ + extra);
    }

    private ModelContext context() throws Exception {
        return ModelContext.of(7, Files.createDirectories(dir.resolve("work")), dir);
    }

    private GenerativeModel model(String extra) throws Exception {
        return provider.create(config(extra), context());
    }

    @Test
    void theElboImprovesAndReconstructionsBeatTheMeanImage() throws Exception {
        GenerativeModel m = model("");
        double before = m.evaluate(EvaluationRequest.heldOut(1)).get("loss");
        m.train(TrainingRequest.of(300), e -> { });
        Map<String, Double> after = m.evaluate(EvaluationRequest.heldOut(1));
        assertTrue(after.get("loss") < 0.75 * before, "held-out -ELBO " + before + " -> " + after);
        assertEquals(after.get("reconstruction") + after.get("kl"), after.get("loss"), 1e-6);

        // Reconstructions of held-out images against the best constant guess, the mean training image.
        List<Sample> pairs = m.generate(GenerationRequest.of(40, 3).with("mode", "reconstruct"));
        float[] mean = meanTrainingImage();
        double recErr = 0;
        double meanErr = 0;
        for (Sample s : pairs) {
            Sample.Image strip = (Sample.Image) s;
            assertEquals(25, strip.width(), "original | gap | reconstruction");
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 12; x++) {
                    float orig = strip.pixels()[y * 25 + x];
                    float rec = strip.pixels()[y * 25 + 13 + x];
                    recErr += (orig - rec) * (orig - rec);
                    meanErr += (orig - mean[y * 12 + x]) * (orig - mean[y * 12 + x]);
                }
            }
        }
        assertTrue(recErr < 0.6 * meanErr, "squared error of reconstructions " + recErr + ", of the mean image " + meanErr);
    }

    private float[] meanTrainingImage() throws Exception {
        // The same data through the plugin's own loader, via a one-pixel-per-image check of the set's size.
        var split = dev.nova.kit.image.ImageData.load("vae", "builtin:shapes", 12, 0.1);
        float[] mean = new float[144];
        for (int i = 0; i < split.train().count(); i++) {
            float[] img = split.train().image(i);
            for (int k = 0; k < 144; k++) {
                mean[k] += img[k] / split.train().count();
            }
        }
        return mean;
    }

    @Test
    void resumeIsExact() throws Exception {
        GenerativeModel straight = model("");
        List<Double> losses = new ArrayList<>();
        straight.train(TrainingRequest.of(40), e -> losses.add(e.loss()));

        GenerativeModel first = model("");
        first.train(TrainingRequest.of(25), e -> { });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.save(bytes);
        GenerativeModel resumed = provider.restore(config(""), context(), new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(25, resumed.step());
        List<Double> after = new ArrayList<>();
        resumed.train(TrainingRequest.of(15), e -> after.add(e.loss()));
        assertEquals(losses.subList(25, 40), after, "losses after resume equal those of the uninterrupted run");
        assertEquals(straight.generate(GenerationRequest.of(2, 9)), resumed.generate(GenerationRequest.of(2, 9)));
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRejectedNamingBoth() throws Exception {
        GenerativeModel m = model("");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.save(bytes);
        PluginException e = assertThrows(PluginException.class, () -> provider.restore(
                config("model.latent = 8"), context(), new ByteArrayInputStream(bytes.toByteArray())));
        assertTrue(e.getMessage().contains("latent 4") && e.getMessage().contains("latent 8"), e.getMessage());
    }

    @Test
    void interpolationStripsRunBetweenTheirEnds() throws Exception {
        GenerativeModel m = model("");
        m.train(TrainingRequest.of(100), e -> { });
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        write(a, 12, 0f);
        write(b, 12, 1f);
        List<Sample> strips = m.generate(GenerationRequest.of(2, 1).with("mode", "interpolate").with("from", a.toString())
                .with("to", b.toString()).with("steps", "5"));
        assertEquals(2, strips.size());
        Sample.Image s = (Sample.Image) strips.get(0);
        assertEquals(5 * 12 + 4, s.width());
        assertEquals(strips.get(0), strips.get(1), "the same ends give the same strip");
        List<Sample> held = m.generate(GenerationRequest.of(2, 1).with("mode", "interpolate"));
        assertNotEquals(held.get(0), held.get(1), "without ends, each strip joins its own pair of held-out images");
    }

    private static void write(Path file, int size, float level) throws Exception {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.getRaster().setSample(x, y, 0, Math.round(level * 255));
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void theScatterNeedsALatentOfTwoAndDrawsAColourFigure() throws Exception {
        GenerativeModel four = model("");
        PluginException e = assertThrows(PluginException.class,
                () -> four.generate(GenerationRequest.of(1, 1).with("mode", "scatter")));
        assertTrue(e.getMessage().contains("model.latent = 2"), e.getMessage());
        GenerativeModel two = model("model.latent = 2");
        two.train(TrainingRequest.of(20), x -> { });
        Sample.Image fig = (Sample.Image) two.generate(GenerationRequest.of(1, 1).with("mode", "scatter")).get(0);
        assertEquals(3, fig.channels());
        boolean coloured = false;
        for (int i = 0; i < fig.pixels().length; i += 3) {
            coloured |= Math.abs(fig.pixels()[i] - fig.pixels()[i + 2]) > 0.3f;
        }
        assertTrue(coloured, "points are drawn in class colours");
    }

    @Test
    void theImportanceWeightedBoundIsTighterThanTheElbo() throws Exception {
        GenerativeModel m = model("eval.images = 100");
        m.train(TrainingRequest.of(100), e -> { });
        Map<String, Double> r = m.evaluate(new EvaluationRequest(java.util.Optional.empty(), 1,
                Map.of("importance-samples", "50")));
        assertTrue(r.get("iwae-nll") < r.get("loss"), "IWAE NLL " + r.get("iwae-nll") + " vs -ELBO " + r.get("loss"));
        assertTrue(r.get("iwae-nll") > 0.8 * r.get("loss"), "but not implausibly: " + r);
        assertThrows(PluginException.class, () -> m.evaluate(new EvaluationRequest(java.util.Optional.empty(), 1,
                Map.of("importance", "5"))));
    }

    @Test
    void priorSamplesDependOnSeedAndTemperature() throws Exception {
        GenerativeModel m = model("");
        m.train(TrainingRequest.of(50), e -> { });
        assertEquals(m.generate(GenerationRequest.of(3, 4)), m.generate(GenerationRequest.of(3, 4)));
        assertNotEquals(m.generate(GenerationRequest.of(3, 4)), m.generate(GenerationRequest.of(3, 4).with("temperature", 0.5)));
        PluginException e = assertThrows(PluginException.class,
                () -> m.generate(GenerationRequest.of(1, 4).with("temperature", "-1")));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
        PluginException mode = assertThrows(PluginException.class,
                () -> m.generate(GenerationRequest.of(1, 4).with("mode", "dream")));
        assertTrue(mode.getMessage().contains("prior, reconstruct, interpolate or scatter"), mode.getMessage());
    }

    @Test
    void theDeclaredModelFlopsAreTheFlopsAStepRuns() throws Exception {
        Flops.StepCount count = Flops.countStep(model("model { encoder = [64, 32], decoder = [32, 64] }"));
        assertTrue(count.ran() > 0);
        assertEquals(count.ran(), count.declared(), 0.0, "model FLOPs of one step");
    }
}

package dev.nova.audiogru;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditioning on the data's classes ({@code model.conditioning = class}) through the provider, on builtin:tones. */
class AudioGruConditioningTests {

    @TempDir
    Path dir;

    private final AudioGruProvider provider = new AudioGruProvider();

    private static Config config(String conditioning) {
        return ConfigFactory.parseString("""
                data { path = "builtin:tones", sample-rate = 1000, holdout = 0.25 }
                model { embedding = 8, hidden = 24, conditioning = %s }
                train { sequence-length = 32, batch = 8, learning-rate = 0.01 }
                eval.batches = 2
                generate.seconds = 0.05
                """.formatted(conditioning));
    }

    private ModelContext context() throws Exception {
        return ModelContext.of(7, Files.createDirectories(dir.resolve("work")), dir);
    }

    private static GenerationRequest label(int label) {
        return GenerationRequest.of(2, 11).with(GenerationRequest.LABEL, label);
    }

    @Test
    void theClassChangesTheSoundAndSurvivesACheckpoint() throws Exception {
        GenerativeModel m = provider.create(config("class"), context());
        m.train(TrainingRequest.of(5), e -> { });
        List<Sample> tone = m.generate(label(0));
        List<Sample> noise = m.generate(label(2));
        assertNotEquals(tone, noise, "classes 0 and 2 with one seed gave the same sound");
        assertEquals(tone, m.generate(label(0)));
        // A class by name, as image models take it (issue 43, 6).
        assertEquals(tone, m.generate(GenerationRequest.of(2, 11).with(GenerationRequest.LABEL, "tone")));
        List<Sample> cycling = m.generate(GenerationRequest.of(3, 11));
        assertEquals(tone.get(0), cycling.get(0), "without a label, sample j is of class j mod classes");

        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        m.save(payload);
        GenerativeModel back = provider.restore(config("class"), context(), new ByteArrayInputStream(payload.toByteArray()));
        assertEquals(tone, back.generate(label(0)));
        assertEquals(losses(m, 3), losses(back, 3), "training resumes exactly");

        PluginException e = assertThrows(PluginException.class, () -> m.generate(label(3)));
        assertTrue(e.getMessage().contains("option label must be a class of the model, by name or index (0 = tone,"
                + " 1 = chirp, 2 = noise), found 3"), e.getMessage());
        CheckpointException c = assertThrows(CheckpointException.class, () -> provider.restore(config("none"), context(),
                new ByteArrayInputStream(payload.toByteArray())));
        assertTrue(c.getMessage().contains("conditioned on classes [tone, chirp, noise]")
                && c.getMessage().contains("model.conditioning = none"), c.getMessage());
    }

    private static List<Double> losses(GenerativeModel m, int steps) {
        List<Double> out = new ArrayList<>();
        m.train(TrainingRequest.of(steps), (StepEvent e) -> out.add(e.loss()));
        return out;
    }

    @Test
    void evaluationDataIsScoredUnderTheClassOfItsFolder() throws Exception {
        GenerativeModel m = provider.create(config("class"), context());
        Path data = dir.resolve("eval");
        for (String cls : List.of("tone", "noise")) {
            Files.createDirectories(data.resolve(cls));
            Files.write(data.resolve(cls).resolve("a.wav"), wav(cls.equals("tone")));
        }
        double loss = m.evaluate(new EvaluationRequest(java.util.Optional.of(data), 1, java.util.Map.of())).get("loss");
        assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        Files.move(data.resolve("noise"), data.resolve("speech"));
        PluginException e = assertThrows(PluginException.class,
                () -> m.evaluate(new EvaluationRequest(java.util.Optional.of(data), 1, java.util.Map.of())));
        assertTrue(e.getMessage().contains("a.wav") && e.getMessage().contains("[tone, chirp, noise]"), e.getMessage());
    }

    @Test
    void refusalsNameWhatToChange() throws Exception {
        Path flat = Files.createDirectories(dir.resolve("flat"));
        Files.write(flat.resolve("a.wav"), wav(true));
        Files.write(flat.resolve("b.wav"), wav(false));
        Config noClasses = ConfigFactory.parseString("data.path = \"" + flat.toString().replace("\\", "/") + "\"")
                .withFallback(config("class"));
        PluginException e = assertThrows(PluginException.class, () -> provider.create(noClasses, context()));
        assertTrue(e.getMessage().contains("model.conditioning = class") && e.getMessage().contains("two class folders"),
                e.getMessage());
        GenerativeModel plain = provider.create(config("none"), context());
        PluginException l = assertThrows(PluginException.class, () -> plain.generate(label(0)));
        assertTrue(l.getMessage().contains("not conditioned"), l.getMessage());
        assertTrue(provider.validate(ConfigFactory.parseString("model.conditioning = speaker")).stream()
                .anyMatch(p -> p.path().equals("model.conditioning")));
    }

    /** Half a second of 16-bit mono PCM at 8 kHz: a 440 Hz tone or a deterministic noise. */
    private static byte[] wav(boolean tone) {
        int n = 4000;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * n);
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            double v = tone ? 0.5 * Math.sin(2 * Math.PI * 440 * i / 8000) : 0.5 * (2 * r.nextDouble() - 1);
            b.putShort((short) Math.round(v * 32767));
        }
        return b.array();
    }
}

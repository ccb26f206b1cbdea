package dev.nova.audiogru;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.TrainingRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state warm-up ({@code train.state-warmup}, {@code eval.state-warmup}, the evaluation option). */
class AudioGruWarmupTests {

    @TempDir
    Path dir;

    private GenerativeModel model(int warmup) throws Exception {
        return new AudioGruProvider().create(ConfigFactory.parseString("""
                data { path = "builtin:tones", sample-rate = 1000, holdout = 0.25 }
                model { embedding = 8, hidden = 24 }
                train { sequence-length = 32, batch = 8, learning-rate = 0.01, state-warmup = %d }
                eval.batches = 2
                """.formatted(warmup)), ModelContext.of(7, Files.createDirectories(dir.resolve("work")), dir));
    }

    private static double loss(GenerativeModel m, Map<String, Object> options) {
        return m.evaluate(new EvaluationRequest(Optional.empty(), 1, options)).get("loss");
    }

    @Test
    void warmUpChangesTrainingAndEvaluationAndIsAnEvaluationOption() throws Exception {
        GenerativeModel cold = model(0);
        GenerativeModel warm = model(16);
        cold.train(TrainingRequest.of(3), e -> { });
        warm.train(TrainingRequest.of(3), e -> { });
        assertNotEquals(loss(cold, Map.of()), loss(warm, Map.of()), "training windows start from other states");
        double zero = loss(cold, Map.of());
        double warmed = loss(cold, Map.of("state-warmup", "32"));
        assertNotEquals(zero, warmed);
        assertEquals(warmed, loss(cold, Map.of("state-warmup", 32)));
        PluginException e = assertThrows(PluginException.class, () -> loss(cold, Map.of("state-warmup", "-1")));
        assertTrue(e.getMessage().contains("state-warmup"), e.getMessage());
    }
}

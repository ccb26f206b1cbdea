package dev.nova.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.Sample;
import dev.nova.api.TrainingRequest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint payload written by each payload format (1 and 2) is kept in {@code src/test/resources/golden} and must keep
 * loading and decoding the same images: a format change that breaks users' checkpoints fails here. Pixels are
 * compared to 1e-4, since the matrix products' kernels depend on the CPU.
 *
 * <p>To write a new golden file after a deliberate format change (bump the format number, keep the old file and
 * its reader): {@code mvn test -Dtest=GoldenCheckpointTests -Dnova.golden.write=true} in this module.
 */
class GoldenCheckpointTests {

    private static final Path DIR = Path.of("src/test/resources/golden");

    @TempDir
    Path dir;

    private static Config config() {
        return ConfigFactory.parseString("""
                data { path = "builtin:shapes", image-size = 8, holdout = 0.1, limit = 300 }
                model { encoder = [16], latent = 2 }
                train { batch = 32, learning-rate = 3e-3 }
                """);
    }

    private static List<Float> pixels(GenerativeModel m) {
        List<Float> out = new ArrayList<>();
        for (Sample s : m.generate(GenerationRequest.of(2, 5))) {
            for (float v : ((Sample.Image) s).pixels()) {
                out.add(v);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void everyPayloadFormatStillLoadsTheSame(int format) throws Exception {
        Path payload = DIR.resolve("format-" + format + ".payload");
        Path expectedFile = DIR.resolve("format-" + format + ".expected.txt");
        ModelContext context = ModelContext.of(3, Files.createDirectories(dir.resolve("work")), dir);
        if (Boolean.getBoolean("nova.golden.write") && format == dev.nova.vae.internal.VaeModel.PAYLOAD_FORMAT) {
            GenerativeModel m = new VaeProvider().create(config(), context);
            m.train(TrainingRequest.of(60), e -> { });
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            m.save(bytes);
            Files.createDirectories(DIR);
            Files.write(payload, bytes.toByteArray());
            StringBuilder text = new StringBuilder();
            for (float v : pixels(m)) {
                text.append(String.format(Locale.ROOT, "%.6f%n", v));
            }
            Files.writeString(expectedFile, text, StandardCharsets.UTF_8);
            // A file just written would be checked against itself: the check runs on the next build, on this
            // machine and on CI, against the committed file.
            org.junit.jupiter.api.Assumptions.abort("golden files written to " + DIR.toAbsolutePath()
                    + "; run again without -Dnova.golden.write to check them");
        }
        assertTrue(Files.isRegularFile(payload), "golden payload missing: " + payload.toAbsolutePath());
        GenerativeModel restored;
        try (InputStream in = Files.newInputStream(payload)) {
            restored = new VaeProvider().restore(config(), context, in);
        }
        assertEquals(60, restored.step());
        List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8);
        List<Float> actual = pixels(restored);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < actual.size(); i++) {
            assertEquals(Float.parseFloat(expected.get(i)), actual.get(i), 1e-4, "pixel " + i);
        }
    }
}

package dev.nova.textgru;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint payload written by each payload format (1 and 2) is kept in {@code src/test/resources/golden} and must keep
 * loading and sampling the same text: a format change that breaks users' checkpoints fails here.
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
                data { path = "corpus.txt", holdout = 0.2 }
                model { embedding = 4, hidden = 12 }
                train { sequence-length = 8, batch = 4, learning-rate = 0.02 }
                eval.batches = 1
                """);
    }

    private static String sample(GenerativeModel m) {
        return ((Sample.Text) m.generate(GenerationRequest.of(1, 7).with(GenerationRequest.PROMPT, "the ")
                .with(GenerationRequest.LENGTH, 40).with(GenerationRequest.GREEDY, true)).get(0)).text();
    }

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void everyPayloadFormatStillLoadsTheSame(int format) throws Exception {
        Path payload = DIR.resolve("format-" + format + ".payload");
        Path expectedFile = DIR.resolve("format-" + format + ".expected.txt");
        ModelContext context = ModelContext.of(3, Files.createDirectories(dir.resolve("work")), dir);
        if (Boolean.getBoolean("nova.golden.write") && format == dev.nova.textgru.internal.TextGruModel.PAYLOAD_FORMAT) {
            Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(20));
            GenerativeModel m = new TextGruProvider().create(config(), context);
            m.train(TrainingRequest.of(120), e -> { });
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            m.save(bytes);
            Files.createDirectories(DIR);
            Files.write(payload, bytes.toByteArray());
            Files.writeString(expectedFile, sample(m), StandardCharsets.UTF_8);
            // A file just written would be checked against itself: the check runs on the next build, on this
            // machine and on CI, against the committed file.
            org.junit.jupiter.api.Assumptions.abort("golden files written to " + DIR.toAbsolutePath()
                    + "; run again without -Dnova.golden.write to check them");
        }
        assertTrue(Files.isRegularFile(payload), "golden payload missing: " + payload.toAbsolutePath());
        GenerativeModel restored;
        try (InputStream in = Files.newInputStream(payload)) {
            restored = new TextGruProvider().restore(config(), context, in);
        }
        assertEquals(120, restored.step());
        assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), sample(restored));
    }
}

package dev.nova.tck;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.ModelContext;
import dev.nova.api.Sample;
import dev.nova.api.TrainingRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Assumptions;

/**
 * Golden checkpoints for a plugin's own build: the payload each of its formats wrote is kept in the source tree
 * ({@code format-N.payload}) with what the restored model generated ({@code format-N.expected.txt}), and every
 * build checks that each still restores at the step it was saved and generates the same. A change that breaks
 * users' checkpoints fails there, not in their hands.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ValueSource(ints = {1, 2})
 * void everyPayloadFormatStillLoadsTheSame(int format) throws IOException {
 *     new GoldenPayloads(GoldenPayloads.DIRECTORY, new MyProvider(), config, 120, m -> sample(m))
 *             .verify(format, MyModel.PAYLOAD_FORMAT, scratch, Assertions::assertEquals);
 * }
 * }</pre>
 *
 * <p>After a deliberate change, run the test once with {@code -Dnova.golden.write=true}: for the current format
 * it trains a model and writes its payload; for every format it records what the kept payload's model generates
 * now. With {@code -Dnova.golden.write=expected} it keeps every payload (checkpoints users already have) and only
 * records what they generate now, after a deliberate change to sampling, which the diff of the expected files then
 * shows. Either aborts, since a file just written would only be checked against itself; the next build checks it.
 * A format change takes a new format number; the old file and its reader stay.
 *
 * @param dir the folder of the golden files
 * @param provider the plugin
 * @param config the plugin's configuration of the golden model (tiny)
 * @param steps the steps the golden model trained
 * @param fingerprint what a model generates, as the text kept in the expected file
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record GoldenPayloads(Path dir, GeneratorProvider provider, Config config, long steps,
                             Function<GenerativeModel, String> fingerprint) {

    /** Where a plugin's build keeps its golden files, relative to the module: {@code src/test/resources/golden}. */
    public static final Path DIRECTORY = Path.of("src", "test", "resources", "golden");

    /**
     * The system property that writes golden files instead of checking them: {@code true} (the current format's
     * payload, and every expected file) or {@code expected} (only the expected files).
     */
    public static final String WRITE_PROPERTY = "nova.golden.write";

    /**
     * A text model's fingerprint: one greedy sample from a prompt.
     *
     * @param prompt the prompt
     * @param length characters after it
     * @return the fingerprint function
     * @since 1.4
     */
    public static Function<GenerativeModel, String> greedyText(String prompt, int length) {
        return m -> ((Sample.Text) m.generate(GenerationRequest.of(1, 7).with(GenerationRequest.PROMPT, prompt)
                .with(GenerationRequest.LENGTH, length).with(GenerationRequest.GREEDY, true)).get(0)).text();
    }

    /**
     * A fingerprint of numbers, one a line ({@link #numbersWithin}): every pixel of an image model's samples, or every
     * value of an audio model's, for a request.
     *
     * @param request what to generate
     * @return the fingerprint function
     * @since 1.4
     */
    public static Function<GenerativeModel, String> values(GenerationRequest request) {
        return m -> {
            StringBuilder text = new StringBuilder();
            for (Sample s : m.generate(request)) {
                float[] v = s instanceof Sample.Image i ? i.pixels() : ((Sample.Audio) s).samples();
                for (float x : v) {
                    text.append(String.format(java.util.Locale.ROOT, "%.6f%n", x));
                }
            }
            return text.toString();
        };
    }

    /**
     * A comparison of fingerprints that are numbers, one a line, each to within a tolerance (what a model computes with
     * matrix products depends on the CPU's kernels in the last digits).
     *
     * @param tolerance the largest difference allowed per number
     * @return the comparison, for {@link #verify}
     * @since 1.4
     */
    public static BiConsumer<String, String> numbersWithin(double tolerance) {
        return (expected, actual) -> {
            java.util.List<String> want = expected.lines().toList();
            java.util.List<String> got = actual.lines().toList();
            assertEquals(want.size(), got.size(), "numbers in the fingerprint");
            for (int i = 0; i < got.size(); i++) {
                assertEquals(Double.parseDouble(want.get(i)), Double.parseDouble(got.get(i)), tolerance, "number " + i);
            }
        };
    }

    /**
     * Checks one format's files (or writes them, for the current format under {@value #WRITE_PROPERTY}): the payload
     * restored whole and restored for generation only (no training state) both come back at the step it was saved and
     * generate the same.
     *
     * @param format the format whose files to check
     * @param currentFormat the format the plugin writes now
     * @param scratch an empty folder: models are created and restored with seed 3, base directory {@code scratch}
     *     (relative data paths resolve against it) and work directory {@code scratch/work}
     * @param compare asserts that the expected text and the restored model's fingerprint agree (exactly, or to a
     *     tolerance for numbers that depend on the CPU's kernels)
     * @throws IOException if a file cannot be read or written
     */
    public void verify(int format, int currentFormat, Path scratch, BiConsumer<String, String> compare)
            throws IOException {
        ModelContext context = ModelContext.of(3, Files.createDirectories(scratch.resolve("work")), scratch);
        Path payload = dir.resolve("format-" + format + ".payload");
        Path expected = dir.resolve("format-" + format + ".expected.txt");
        String write = System.getProperty(WRITE_PROPERTY, "false");
        if (write.equals("true") || write.equals("expected")) {
            if (format == currentFormat && write.equals("true")) {
                GenerativeModel m = provider.create(config, context);
                m.train(TrainingRequest.of(steps), e -> { });
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                m.save(bytes);
                Files.createDirectories(dir);
                Files.write(payload, bytes.toByteArray());
            }
            // An older format's payload cannot be made again; what it generates now is recorded from the kept file.
            try (InputStream in = Files.newInputStream(payload)) {
                Files.writeString(expected, fingerprint.apply(provider.restore(config, context, in)), StandardCharsets.UTF_8);
            }
            Assumptions.abort("golden files written to " + dir.toAbsolutePath() + "; run again without -D"
                    + WRITE_PROPERTY + " to check them");
        }
        assertTrue(Files.isRegularFile(payload), "golden payload missing: " + payload.toAbsolutePath());
        GenerativeModel restored;
        try (InputStream in = Files.newInputStream(payload)) {
            restored = provider.restore(config, context, in);
        }
        assertEquals(steps, restored.step(), "the restored model's step");
        compare.accept(Files.readString(expected, StandardCharsets.UTF_8), fingerprint.apply(restored));
        // Restored for generation and evaluation only (API 1.4: no training state), as nova generate and nova serve
        // restore it: the same step and the same fingerprint (kit's models then sample without building a network).
        GenerativeModel forGeneration;
        try (InputStream in = Files.newInputStream(payload)) {
            forGeneration = provider.restore(config, context, in, java.util.Optional.empty());
        }
        assertEquals(steps, forGeneration.step(), "the step of the model restored for generation only");
        compare.accept(Files.readString(expected, StandardCharsets.UTF_8), fingerprint.apply(forGeneration));
    }
}

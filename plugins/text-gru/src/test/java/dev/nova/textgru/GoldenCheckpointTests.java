package dev.nova.textgru;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.tck.GoldenPayloads;
import dev.nova.textgru.internal.TextGruModel;
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
 * its reader): {@code mvn test -Dtest=GoldenCheckpointTests -Dnova.golden.write=true} in this module ({@code =expected}
 * keeps the payloads and records only what they generate now, after a deliberate change to sampling) (the TCK's
 * {@link GoldenPayloads} does the work).
 */
class GoldenCheckpointTests {

    /** The tiny configuration the golden model was trained with. */
    private static final Config CONFIG = ConfigFactory.parseString("""
                data { path = "corpus.txt", holdout = 0.2 }
                model { embedding = 4, hidden = 12 }
                train { sequence-length = 8, batch = 4, learning-rate = 0.02 }
                eval.batches = 1
                """);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void everyPayloadFormatStillLoadsTheSame(int format) throws Exception {
        // The corpus the golden model was trained on (restoring and sampling do not read it).
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(20));
        new GoldenPayloads(GoldenPayloads.DIRECTORY, new TextGruProvider(), CONFIG, 120,
                GoldenPayloads.greedyText("the ", 40))
                .verify(format, TextGruModel.PAYLOAD_FORMAT, dir, (expected, actual) -> assertEquals(expected, actual));
    }

    /**
     * A subword model's payload (format 3: its byte-level BPE within) keeps loading and sampling the same text; written
     * by this version with {@code -Dtest=GoldenCheckpointTests#aSubwordPayloadStillLoadsTheSame -Dnova.golden.write=true}.
     */
    @org.junit.jupiter.api.Test
    void aSubwordPayloadStillLoadsTheSame() throws Exception {
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(20));
        Config bpe = ConfigFactory.parseString("data.tokenizer = bpe, tokenizer.vocab-size = 270").withFallback(CONFIG);
        new GoldenPayloads(GoldenPayloads.DIRECTORY, new TextGruProvider(), bpe, 120, GoldenPayloads.greedyText("the ", 12))
                .verify(dev.nova.kit.text.TextModel.SUBWORD_FORMAT, dev.nova.kit.text.TextModel.SUBWORD_FORMAT, dir,
                        (expected, actual) -> assertEquals(expected, actual));
    }
}

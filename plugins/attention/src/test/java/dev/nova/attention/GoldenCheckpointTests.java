package dev.nova.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.attention.internal.AttentionModel;
import dev.nova.tck.GoldenPayloads;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint payload written by each payload format is kept in {@code src/test/resources/golden} and must keep
 * loading and sampling the same text: a format change that breaks users' checkpoints fails here. Format 1's payload
 * was written by the plugin as it was before format 2 (commit 61f1f18's parent), with this configuration and 30
 * steps; format 2's by this version ({@code mvn test -Dtest=GoldenCheckpointTests -Dnova.golden.write=true}).
 */
class GoldenCheckpointTests {

    /** The tiny configuration the golden models were trained with. */
    private static final Config CONFIG = ConfigFactory.parseString("""
                data { path = "corpus.txt", holdout = 0.2 }
                model { layers = 1, heads = 2, d-model = 16, context = 16 }
                train { batch = 4, learning-rate = 0.01 }
                eval { windows = 16, batch = 16 }
                """);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void everyPayloadFormatStillLoadsTheSame(int format) throws Exception {
        // The corpus the golden models were trained on (restoring and sampling do not read it).
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(20));
        new GoldenPayloads(GoldenPayloads.DIRECTORY, new AttentionProvider(), CONFIG, 30,
                GoldenPayloads.greedyText("the ", 40))
                .verify(format, AttentionModel.PAYLOAD_FORMAT, dir, (expected, actual) -> assertEquals(expected, actual));
    }

    /**
     * A subword model's payload (format 3: its byte-level BPE within) keeps loading and sampling the same text; written
     * by this version with {@code -Dtest=GoldenCheckpointTests#aSubwordPayloadStillLoadsTheSame -Dnova.golden.write=true}.
     */
    @org.junit.jupiter.api.Test
    void aSubwordPayloadStillLoadsTheSame() throws Exception {
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(20));
        Config bpe = ConfigFactory.parseString("data.tokenizer = bpe, tokenizer.vocab-size = 270").withFallback(CONFIG);
        new GoldenPayloads(GoldenPayloads.DIRECTORY, new AttentionProvider(), bpe, 30, GoldenPayloads.greedyText("the ", 12))
                .verify(dev.nova.kit.text.TextModel.SUBWORD_FORMAT, dev.nova.kit.text.TextModel.SUBWORD_FORMAT, dir,
                        (expected, actual) -> assertEquals(expected, actual));
    }
}

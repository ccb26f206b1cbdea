package dev.nova.audiogru;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.GenerationRequest;
import dev.nova.audiogru.internal.AudioGruModel;
import dev.nova.tck.GoldenPayloads;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint payload written by each payload format is kept in {@code src/test/resources/golden} and must keep
 * loading and generating the same sound: a format change that breaks users' checkpoints fails here. Format 1's
 * payload was written by the plugin as it was before format 2 (commit 205852d's parent, before class conditioning),
 * with this configuration and 30 steps; format 2's by this version
 * ({@code mvn test -Dtest=GoldenCheckpointTests -Dnova.golden.write=true}).
 */
class GoldenCheckpointTests {

    /** The tiny configuration the golden models were trained with. */
    private static final Config CONFIG = ConfigFactory.parseString("""
                data { path = "builtin:tones", sample-rate = 1000, holdout = 0.25 }
                model { embedding = 8, hidden = 24 }
                train { sequence-length = 32, batch = 8, learning-rate = 0.01 }
                eval.batches = 2
                """);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void everyPayloadFormatStillLoadsTheSame(int format) throws Exception {
        new GoldenPayloads(GoldenPayloads.DIRECTORY, new AudioGruProvider(), CONFIG, 30,
                GoldenPayloads.values(GenerationRequest.of(1, 5).with(GenerationRequest.SECONDS, 0.05)))
                .verify(format, AudioGruModel.PAYLOAD_FORMAT, dir, GoldenPayloads.numbersWithin(1e-4));
    }
}

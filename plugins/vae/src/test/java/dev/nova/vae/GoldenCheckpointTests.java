package dev.nova.vae;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.GenerationRequest;
import dev.nova.tck.GoldenPayloads;
import dev.nova.vae.internal.VaeModel;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint payload written by each payload format (1 and 2) is kept in {@code src/test/resources/golden} and must keep
 * loading and decoding the same images: a format change that breaks users' checkpoints fails here. Pixels are
 * compared to 1e-4, since the matrix products' kernels depend on the CPU.
 *
 * <p>To write a new golden file after a deliberate format change (bump the format number, keep the old file and
 * its reader): {@code mvn test -Dtest=GoldenCheckpointTests -Dnova.golden.write=true} in this module ({@code =expected}
 * keeps the payloads and records only what they generate now, after a deliberate change to sampling).
 */
class GoldenCheckpointTests {

    /** The tiny configuration the golden model was trained with. */
    private static final Config CONFIG = ConfigFactory.parseString("""
                data { path = "builtin:shapes", image-size = 8, holdout = 0.1, limit = 300 }
                model { encoder = [16], latent = 2 }
                train { batch = 32, learning-rate = 3e-3 }
                """);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void everyPayloadFormatStillLoadsTheSame(int format) throws Exception {
        new GoldenPayloads(GoldenPayloads.DIRECTORY, new VaeProvider(), CONFIG, 60,
                GoldenPayloads.values(GenerationRequest.of(2, 5)))
                .verify(format, VaeModel.PAYLOAD_FORMAT, dir, GoldenPayloads.numbersWithin(1e-4));
    }
}

package dev.nova.imagegru;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.GenerationRequest;
import dev.nova.imagegru.internal.ImageGruModel;
import dev.nova.tck.GoldenPayloads;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint payload written by each payload format is kept in {@code src/test/resources/golden} and must keep
 * loading and drawing the same images (pixels to 1e-4: the products' kernels depend on the CPU). Format 1's payload
 * was written by the plugin as it was before format 2 (commit 61f1f18's parent), with this configuration and 30
 * steps; format 2's by this version ({@code mvn test -Dtest=GoldenCheckpointTests -Dnova.golden.write=true}).
 */
class GoldenCheckpointTests {

    /** The tiny configuration the golden models were trained with. */
    private static final Config CONFIG = ConfigFactory.parseString("""
                data { path = "builtin:shapes", image-size = 8, holdout = 0.2, limit = 200 }
                model { latent = 4, hidden = 16, encoder = [16] }
                train { batch = 16, learning-rate = 3e-3, kl-warmup-steps = 0 }
                eval { images = 40, batch = 40 }
                """);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void everyPayloadFormatStillLoadsTheSame(int format) throws Exception {
        new GoldenPayloads(GoldenPayloads.DIRECTORY, new ImageGruProvider(), CONFIG, 30,
                GoldenPayloads.values(GenerationRequest.of(2, 5)))
                .verify(format, ImageGruModel.PAYLOAD_FORMAT, dir, GoldenPayloads.numbersWithin(1e-4));
    }
}

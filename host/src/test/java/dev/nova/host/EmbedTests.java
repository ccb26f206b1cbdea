package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.host.FixturePlugins.Spec;
import dev.nova.host.embed.NovaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding API over fixture plugins in a plugin folder, in process. */
class EmbedTests {

    @TempDir
    Path dir;

    @Test
    void textOfANonTextModelSaysSoBeforeThePluginRefusesTheTextOptions() throws Exception {
        Path plugins = dir.resolve("plugins");
        FixturePlugins.build(Spec.of("uni-image", "fixture.uniimage").modality("IMAGE"), plugins.resolve("image.jar"));
        Path conf = Files.writeString(dir.resolve("image.conf"), "nova { plugin = uni-image, train { steps = 10,"
                + " eval-every = 10, samples = 0 } }\n");
        Path run = dir.resolve("run");
        assertEquals(0, InProcess.nova("train", conf.toString(), "--plugin-path", plugins.toString(), "--run-dir",
                run.toString()).code());
        try (NovaModel model = NovaModel.open(run, plugins)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.text("", 10, 1, GenerationListener.NONE));
            assertEquals("plugin 'uni-image' makes images, not text: use generate", e.getMessage());
            assertEquals(2, model.generate(GenerationRequest.of(2, 3)).size(), "generate serves it");
        }
    }
}

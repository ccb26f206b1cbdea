package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // Its plugin folder moved (the run records where it was): the advice names this API's argument, not the
        // launcher's option (issue 43).
        Path moved = Files.move(plugins, dir.resolve("moved-plugins"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> NovaModel.open(run));
        assertTrue(missing.getMessage().contains("plugin 'uni-image'") && missing.getMessage().contains(
                "NovaModel.open(runOrCheckpoint, pluginPath)") && !missing.getMessage().contains("--plugin-path")
                && !missing.getMessage().contains("nova plugins"), missing.getMessage());
        try (NovaModel model = NovaModel.open(run, moved)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.text("", 10, 1, GenerationListener.NONE));
            assertEquals("plugin 'uni-image' makes images, not text: use generate", e.getMessage());
            assertEquals(2, model.generate(GenerationRequest.of(2, 3)).size(), "generate serves it");
        }
    }
}

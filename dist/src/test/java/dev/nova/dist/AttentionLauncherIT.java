package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attention plugin through the launcher on the built-in sample: a short run, then streamed generation. */
class AttentionLauncherIT {

    @TempDir
    static Path dir;

    @Test
    void trainsOnTheBuiltInSampleAndStreamsASample() throws Exception {
        Path run = dir.resolve("run");
        LauncherIT.Run train = LauncherIT.novaIn(dir, "train", "--plugin", "attention", "--run-dir", run.toString(),
                "--set", "nova.train.steps=20", "--set", "nova.train.eval-every=20", "--set", "nova.train.samples=0",
                "--set", "plugins.attention.model.layers=1", "--set", "plugins.attention.model.d-model=32",
                "--set", "plugins.attention.model.context=32", "--set", "plugins.attention.eval.windows=20");
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/latest.ckpt")));

        LauncherIT.Run gen = LauncherIT.novaIn(dir, "generate", run.toString(), "--prompt", "And God said",
                "--length", "80", "--seed", "3");
        assertEquals(0, gen.code(), gen.err());
        assertTrue(gen.out().startsWith("And God said") && gen.out().strip().length() >= 80, gen.out());

        // A prompt longer than the context (32) is cropped as it slides through the window, and the user is told.
        String longPrompt = "In the beginning God created the heaven and the earth. And the earth was without form";
        LauncherIT.Run cropped = LauncherIT.novaIn(dir, "generate", run.toString(), "--prompt", longPrompt,
                "--length", "20", "--seed", "3");
        assertEquals(0, cropped.code(), cropped.err());
        assertTrue(cropped.out().startsWith(longPrompt), cropped.out());
        assertTrue(cropped.err().contains("nova: notice: the prompt has " + longPrompt.length()
                + " characters, more than the model's context of 32"), cropped.err());
    }
}

package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nova import gpt2 DIR} through the launcher (issue 41): the tiny GPT-2 that bench/gpt2_reference.py wrote
 * (the attention plugin's test resource, whose logits its tests compare with torch's) becomes a run that generate,
 * inspect and train --init-from use like any run; the lineage names the weights file and its SHA-256; bad folders and
 * unknown families are refused in one line before any run folder exists.
 */
class OpenWeightsIT {

    private static final Path TINY = Path.of("..", "plugins", "attention", "src", "test", "resources", "gpt2-tiny")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aGpt2FolderBecomesARunThatGeneratesAndFineTunes() throws Exception {
        Path run = dir.resolve("gpt2");
        LauncherIT.Run imported = LauncherIT.novaIn(dir, "import", "gpt2", TINY.toString(), "--run-dir", run.toString());
        assertEquals(0, imported.code(), imported.err());
        assertTrue(imported.err().contains("nova: imported gpt2 from " + TINY + " into 'attention' at step 0"),
                imported.err());
        assertTrue(Files.exists(run.resolve("checkpoints").resolve("latest.ckpt"))
                && Files.exists(run.resolve("checkpoints").resolve("best.ckpt")));

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(TINY.resolve("model.safetensors"))));
        LauncherIT.Run inspect = LauncherIT.novaIn(dir, "inspect", run.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("parent: imported gpt2 weights, " + TINY.resolve("model.safetensors")
                + " (SHA-256 " + sha + ")"), inspect.out());

        LauncherIT.Run a = LauncherIT.novaIn(dir, "generate", run.toString(), "--greedy", "--length", "12", "--prompt", "the");
        LauncherIT.Run b = LauncherIT.novaIn(dir, "generate", run.toString(), "--greedy", "--length", "12", "--prompt", "the");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().startsWith("the") && a.out().equals(b.out()), a.out() + " / " + b.out());

        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. ".repeat(60));
        Path tuned = dir.resolve("tuned");
        LauncherIT.Run fineTune = LauncherIT.novaIn(dir, "train", "--plugin", "attention", "--init-from", run.toString(),
                "--run-dir", tuned.toString(), "--set", "plugins.attention.data.path=" + dir.resolve("corpus.txt"),
                "--set", "plugins.attention.train.batch=2", "--set", "plugins.attention.eval.windows=4",
                "--set", "nova.train.steps=4", "--set", "nova.train.eval-every=4", "--set", "nova.train.samples=0");
        assertEquals(0, fineTune.code(), fineTune.err());
        LauncherIT.Run chain = LauncherIT.novaIn(dir, "inspect", tuned.toString());
        assertTrue(chain.out().contains("ancestor 2: imported gpt2 weights, " + TINY.resolve("model.safetensors")),
                chain.out());
    }

    @Test
    void whatCannotBeImportedIsOneLineAndLeavesNoRunFolder() throws Exception {
        Path run = dir.resolve("never");
        LauncherIT.Run family = LauncherIT.novaIn(dir, "import", "llama", TINY.toString(), "--run-dir", run.toString());
        assertEquals(2, family.code(), family.err());
        assertEquals("nova: no installed plugin reads published 'llama' weights; families: gpt2", family.err().strip());

        LauncherIT.Run missing = LauncherIT.novaIn(dir, "import", "gpt2", dir.resolve("nowhere").toString());
        assertEquals(2, missing.code(), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());

        Path partial = Files.createDirectories(dir.resolve("partial"));
        Files.copy(TINY.resolve("config.json"), partial.resolve("config.json"));
        LauncherIT.Run noWeights = LauncherIT.novaIn(dir, "import", "gpt2", partial.toString(), "--run-dir", run.toString());
        assertEquals(1, noWeights.code(), noWeights.err());
        assertTrue(noWeights.err().contains(partial.resolve("model.safetensors") + " not found"), noWeights.err());

        Path broken = Files.createDirectories(dir.resolve("broken"));
        for (String f : new String[] {"config.json", "vocab.json", "merges.txt"}) {
            Files.copy(TINY.resolve(f), broken.resolve(f));
        }
        byte[] weights = Files.readAllBytes(TINY.resolve("model.safetensors"));
        Files.write(broken.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        LauncherIT.Run truncated = LauncherIT.novaIn(dir, "import", "gpt2", broken.toString(), "--run-dir", run.toString());
        assertEquals(1, truncated.code(), truncated.err());
        assertTrue(truncated.err().contains(broken.resolve("model.safetensors") + " at byte ")
                && truncated.err().contains("past the end of the file"), truncated.err());
        assertEquals(1, truncated.err().strip().lines().count(), truncated.err());
        assertFalse(Files.exists(run), "no run folder after a refused import");
    }
}

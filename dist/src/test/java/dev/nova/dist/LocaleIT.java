package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code nova} script under {@code LANG=C} (the default of many containers): non-ASCII data folders, run folders,
 * prompts and samples work as under a UTF-8 locale.
 */
class LocaleIT {

    private static final Path NOVA = Path.of("..", "nova").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run nova(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", NOVA.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> env = b.environment();
        env.keySet().removeIf(k -> k.startsWith("LC_"));
        env.put("LANG", "C");
        env.put("NOVA_NO_BUILD", "1");
        Process p = b.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nova did not finish in 120 s");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void aChineseModelInFoldersWithAccentsTrainsAndSamplesUnderLangC() throws Exception {
        Path data = Files.createDirectories(dir.resolve("données"));
        Files.writeString(data.resolve("genèse.txt"), "起初神创造天地。地是空虚混沌，渊面黑暗；神的灵运行在水面上。\n".repeat(60),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("chinese.conf"), """
                nova { plugin = text-gru, train { steps = 10, eval-every = 10, samples = 0 } }
                plugins.text-gru {
                  data { path = "données/genèse.txt", holdout = 0.2 }
                  model { embedding = 8, hidden = 16 }
                  train { sequence-length = 16, batch = 4, learning-rate = 0.01 }
                  eval.batches = 1
                }
                """, StandardCharsets.UTF_8);

        Run train = nova("train", "chinese.conf", "--run-dir", "runs/ü");
        assertEquals(0, train.code(), train.out() + train.err());
        assertTrue(Files.isDirectory(dir.resolve("runs/ü/checkpoints")), "the run folder has its name");

        Run generate = nova("generate", "runs/ü", "--prompt", "起初神", "--length", "6");
        assertEquals(0, generate.code(), generate.err());
        assertTrue(generate.out().startsWith("起初神"), generate.out());
        assertTrue(!generate.out().contains("?"), "no character lost to the locale: " + generate.out());
    }
}

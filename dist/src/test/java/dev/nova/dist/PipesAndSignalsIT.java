package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands other than {@code train} under a closed pipe and signals, as real {@code nova} processes: they stop
 * promptly and quietly when the reader of their output goes away, and SIGTERM leaves no temporary file or folder
 * behind (scratch folders, PNGs being written, a TCK report being staged). Each process gets a temp folder of its
 * own, so what is left there is what it left.
 */
class PipesAndSignalsIT {

    private static final Path NOVA = Path.of("..", "nova").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    Path tmp;

    @BeforeEach
    void privateTempFolder() throws IOException {
        tmp = Files.createDirectories(dir.resolve("tmp"));
    }

    private ProcessBuilder nova(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", NOVA.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile());
        b.environment().put("NOVA_NO_BUILD", "1");
        b.environment().put("NOVA_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
        return b;
    }

    private int run(String... args) throws Exception {
        Process p = nova(args).redirectOutput(dir.resolve("setup.out").toFile())
                .redirectError(dir.resolve("setup.err").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "setup did not finish");
        return p.exitValue();
    }

    private Path textRun() throws Exception {
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(40));
        Files.writeString(dir.resolve("text.conf"), """
                nova { plugin = text-gru, train { steps = 4, eval-every = 4, samples = 0 } }
                plugins.text-gru {
                  data { path = corpus.txt, holdout = 0.2 }
                  model { embedding = 8, hidden = 16 }
                  train { sequence-length = 16, batch = 4 }
                  eval.batches = 1
                }
                """);
        assertEquals(0, run("train", "text.conf", "--run-dir", "text"), Files.readString(dir.resolve("setup.err")));
        return dir.resolve("text");
    }

    private Path imageRun() throws Exception {
        Files.writeString(dir.resolve("vae.conf"), """
                nova { plugin = vae, train { steps = 2, eval-every = 2, samples = 0 } }
                plugins.vae {
                  data { path = "builtin:shapes", image-size = 8, holdout = 0.2, limit = 100 }
                  model { encoder = [16], latent = 2 }
                  train { batch = 16 }
                  eval { images = 20 }
                }
                """);
        assertEquals(0, run("train", "vae.conf", "--run-dir", "vae"), Files.readString(dir.resolve("setup.err")));
        return dir.resolve("vae");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "waited 120 s for " + what);
            Thread.sleep(20);
        }
    }

    private static List<String> names(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void generateStopsPromptlyAndQuietlyWhenItsReaderCloses() throws Exception {
        Path run = textRun();
        // Five samples of ten million characters: minutes of work unless the closed pipe stops it.
        Process p = nova("generate", run.toString(), "-n", "5", "--length", "10000000")
                .redirectError(dir.resolve("err.txt").toFile()).start();
        try (InputStream out = p.getInputStream()) {
            assertEquals(300, out.readNBytes(300).length);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "generate went on writing into a closed pipe");
        assertEquals(141, p.exitValue(), "128 + SIGPIPE, as Unix tools end");
        assertEquals("", Files.readString(dir.resolve("err.txt")), "quietly");
        assertEquals(List.of(), names(tmp), "no scratch folder left");
    }

    @Test
    void sigtermDuringTextGenerationLeavesNoScratchFolder() throws Exception {
        Path run = textRun();
        Path out = dir.resolve("out.txt");
        Process p = nova("generate", run.toString(), "-n", "5", "--length", "10000000")
                .redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        await(() -> size(out) > 100, "the first characters");
        assertTrue(names(tmp).stream().anyMatch(n -> n.startsWith("nova-work")), "a scratch folder while it runs");
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue());
        assertEquals(List.of(), names(tmp), "the scratch folder is removed on SIGTERM");
    }

    @Test
    void sigtermWhileImagesAreWrittenLeavesNoTemporaryFile() throws Exception {
        Path run = imageRun();
        for (int round = 0; round < 3; round++) {
            Path each = dir.resolve("each-" + round);
            Process p = nova("generate", run.toString(), "-n", "20000", "--out", "grid-" + round + ".png",
                    "--each", each.toString()).redirectError(dir.resolve("err.txt").toFile())
                    .redirectOutput(dir.resolve("out.txt").toFile()).start();
            int wanted = 1 + round * 400;
            await(() -> names(each).size() >= wanted || !p.isAlive(), wanted + " PNG files");
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(143, p.exitValue(), Files.readString(dir.resolve("err.txt")));
            List<String> left = new ArrayList<>(names(each));
            left.addAll(names(dir));
            assertEquals(List.of(), left.stream().filter(n -> n.endsWith(".tmp")).toList(), "no temporary PNG left");
            assertEquals(List.of(), names(tmp), "no scratch folder left");
        }
    }

    @Test
    void anInterruptedTckRunLeavesTheEarlierReportWhole() throws Exception {
        assertEquals(0, run("tck", "--plugin", "text-gru", "--report", "report"),
                Files.readString(dir.resolve("setup.out")));
        Map<String, String> before = contents(dir.resolve("report"));
        assertTrue(before.containsKey("tck-report.json"), before.keySet().toString());

        Path out = dir.resolve("out.txt");
        Process p = nova("tck", "--plugin", "text-gru", "--plugin", "vae", "--report", "report")
                .redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        // text-gru is certified and its new XML written; vae is running: the moment an in-place report was mixed.
        await(() -> {
            try {
                return Files.readString(out).contains("plugin 'text-gru'");
            } catch (IOException e) {
                return false;
            }
        }, "text-gru's verdict");
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue());
        assertEquals(before, contents(dir.resolve("report")), "the earlier report, unchanged");
        assertEquals(List.of(), names(dir).stream().filter(n -> n.contains("partial")).toList(), "no staging folder");
    }

    /** Every file under a folder, by relative path, with its content. */
    private static Map<String, String> contents(Path folder) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                m.put(folder.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return m;
    }
}

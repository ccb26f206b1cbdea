package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.host.FixturePlugins.Spec;
import dev.nova.host.InProcess.Result;
import dev.nova.host.internal.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in process, against a real fixture plugin jar. */
class CliTests {

    @TempDir
    Path dir;

    Path plugins;


    @BeforeEach
    void installFixture() {
        plugins = dir.resolve("plugins");
        FixturePlugins.build(Spec.of("uni", "fixture.uni"), plugins.resolve("uni.jar"));
    }

    private static Result nova(String... args) {
        return InProcess.nova(args);
    }

    private Path train(long steps, String... more) throws Exception {
        Path runDir = dir.resolve("run");
        Path conf = Files.writeString(dir.resolve("uni.conf"), "nova { plugin = uni, train { steps = " + steps
                + ", eval-every = 10, log-every = 5 } }\n");
        List<String> args = new java.util.ArrayList<>(List.of("train", conf.toString(), "--plugin-path", plugins.toString(),
                "--run-dir", runDir.toString()));
        args.addAll(List.of(more));
        Result r = nova(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return runDir;
    }

    /** A plugin without the fine-tuning capability is refused by name, before any run folder exists. */
    @Test
    void initFromIsRefusedForAPluginThatCannotFineTune() throws Exception {
        Path parent = train(10);
        Path child = dir.resolve("child");
        Result r = nova("train", "--init-from", parent.toString(), "--plugin-path", plugins.toString(), "--run-dir",
                child.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("nova: plugin 'uni' cannot start from another run's model"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(child));
        Result other = nova("train", "--plugin", "text-gru", "--init-from", parent.toString(), "--plugin-path",
                plugins.toString(), "--run-dir", child.toString());
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("holds a model of plugin 'uni', and this run trains 'text-gru'"), other.err());
    }

    @Test
    void helpAndVersionExitZero() {
        Result help = nova("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("train") && help.out().contains("plugins") && help.out().contains("Exit codes"));
        assertTrue(help.out().contains("130 interrupted by Ctrl-C") && help.out().contains("143 stopped by SIGTERM"),
                help.out());
        Result version = nova("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("nova ") && version.out().contains("plugin API " + dev.nova.api.ApiVersion.CURRENT), version.out());
    }

    /** Every command answers --help with its usage and exit 0, before checking its required parameters. */
    @Test
    void everyCommandTakesHelp() {
        for (String command : List.of("plugins", "config", "train", "resume", "generate", "evaluate", "serve", "tck",
                "tokenize", "import", "export")) {
            Result r = nova(command, "--help");
            assertEquals(0, r.code(), command + ": " + r.err());
            assertTrue(r.out().contains("Usage: nova " + command), command + ": " + r.out());
            // The CLI builds only the command its arguments name; help, with or without --debug first, lists all.
            Result help = nova("help", command);
            assertEquals(0, help.code(), command + ": " + help.err());
            assertTrue(help.out().contains("Usage: nova " + command), command + ": " + help.out());
            for (String first : List.of("--help", "help")) {
                String listing = nova("--debug", first).out();
                assertTrue(listing.lines().anyMatch(l -> l.strip().startsWith(command + " ")), first + ": " + listing);
            }
        }
    }

    /** nova export refuses, in one line and before writing anything, a plugin without the capability and bad flags. */
    @Test
    void exportRefusesAPluginThatWritesNoPublishedFormat() throws Exception {
        Path run = train(10);
        Result none = nova("export", "--plugin-path", plugins.toString(), run.toString());
        assertEquals(2, none.code(), none.err());
        assertEquals("nova: plugin 'uni' writes no published formats; nova export needs a plugin that does (attention"
                + " writes gpt2)", none.err().strip());
        Result format = nova("export", "--plugin-path", plugins.toString(), run.toString(), "--format", "onnx");
        assertEquals(2, format.code(), format.err());
        assertEquals("nova: --format is 'onnx', expected safetensors or gguf", format.err().strip());
        Result precision = nova("export", run.toString(), "--precision", "q4");
        assertEquals("nova: --precision is 'q4', expected f32 or f16", precision.err().strip());
        assertFalse(Files.exists(run.resolve("export")), "nothing written");
    }

    /** nova serve refuses, in one line and before binding anything, what it cannot serve. */
    @Test
    void serveRefusesBadModelsAndAddressesInOneLine() throws Exception {
        Path run = train(10);
        Result twice = nova("serve", "--port", "0", "--plugin-path", plugins.toString(), run.toString(), "run=" + run);
        assertEquals(2, twice.code(), twice.err());
        assertTrue(twice.err().startsWith("nova: two models are named 'run' (" + run), twice.err());
        Result missing = nova("serve", "--port", "0", dir.resolve("no-such-run").toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("no-such-run"), missing.err());
        Result badName = nova("serve", "--port", "0", "a b=" + run);
        assertEquals(2, badName.code(), badName.err());
        assertTrue(badName.err().contains("model name 'a b'"), badName.err());
        Result open = nova("serve", "--host", "0.0.0.0", "--port", "0", run.toString());
        assertEquals(2, open.code(), open.err());
        assertTrue(open.err().contains("not a loopback address"), open.err());
        Result workers = nova("serve", "--workers", "0", run.toString());
        assertEquals(2, workers.code(), workers.err());
        assertTrue(workers.err().startsWith("nova: --workers must be in [1, 64], found 0"), workers.err());
        for (Result r : List.of(twice, missing, badName, open, workers)) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test
    void unknownCommandIsAUsageErrorInOneLine() {
        Result r = nova("trian");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("nova: Unmatched argument"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void pluginsListsLoadedAndRefusedPlugins() throws Exception {
        Files.write(plugins.resolve("broken.jar"), new byte[] {1, 2, 3});
        Result r = nova("plugins", "--plugin-path", plugins.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("uni ") && l.contains("1.2.3") && l.contains("text")
                && l.contains("fixture.uni") && l.contains("uni.jar") && l.endsWith("ok")), r.out());
        assertTrue(r.out().contains("refused") && r.out().contains("broken.jar"), r.out());
    }

    @Test
    void configPrintsEffectiveValuesWithOrigins() throws Exception {
        Result r = nova("config", "uni", "--plugin-path", plugins.toString(), "--set", "plugins.uni.batch=3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--set plugins.uni.batch") && r.out().contains("batch=3"), r.out());
        assertTrue(r.out().contains("reference.conf"), r.out());
    }

    /** The example --help gives for --set is a setting text-gru has (issue 43: it named one that does not exist). */
    @Test
    void theHelpsExampleSettingIsValid() {
        Result help = nova("train", "--help");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("--set (plugins\\.text-gru\\.[a-z.-]+=\\d+)")
                .matcher(help.out().replaceAll("\\.\\s+", ".").replaceAll("\\s+", " "));           // picocli wraps at dots
        assertTrue(m.find(), help.out());
        // text-gru is not installed in these tests: its reference configuration is read from its sources.
        com.typesafe.config.Config reference = com.typesafe.config.ConfigFactory.parseFile(Path.of("..", "plugins",
                "text-gru", "src", "main", "resources", "reference.conf").toFile());
        String key = m.group(1).substring(0, m.group(1).indexOf('='));
        assertTrue(reference.hasPath(key), key + " is not a setting of text-gru");
    }

    @Test
    void configErrorsExitTwoWithOriginAndNoStackTrace() throws Exception {
        Path conf = Files.writeString(dir.resolve("bad.conf"), "nova.plugin = uni\nplugins.uni.batch = lots\n");
        Result r = nova("train", conf.toString(), "--plugin-path", plugins.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.conf: 2: plugins.uni.batch must be a whole number"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void unknownPluginIsAUsageError() {
        Result r = nova("train", "--plugin", "nope", "--plugin-path", plugins.toString());
        assertEquals(2, r.code());
        assertEquals("nova: no plugin with id 'nope'; installed: uni (see 'nova plugins')", r.err().strip());
    }

    /**
     * A gate naming a metric the run does not report is said at the first evaluation, not only by a later
     * {@code evaluate --gates} (issue 42, 8b); gates on reported metrics are not.
     */
    @Test
    void aGateOnAMetricTheRunDoesNotReportIsSaidAtTheFirstEvaluation() throws Exception {
        Path runDir = dir.resolve("gated");
        Path conf = Files.writeString(dir.resolve("gated.conf"), "nova { plugin = uni, gates = [\"perplexity < 3\","
                + " \"held-out-loss < 100\", \"loss < 100\"], train { steps = 20, eval-every = 10, log-every = 5 } }\n");
        Result r = nova("train", conf.toString(), "--plugin-path", plugins.toString(), "--run-dir", runDir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("nova: warning: nova.gates")).toList();
        assertEquals(1, warnings.size(), r.err());
        assertTrue(warnings.get(0).startsWith("nova: warning: nova.gates: 'perplexity < 3' names metric 'perplexity',"
                + " which this run does not report; its evaluation reports loss"), warnings.get(0));
    }

    @Test
    void trainWritesRunDirectoryAndCheckpoints() throws Exception {
        Path run = train(20);
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/latest.ckpt")));
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/best.ckpt")));
        assertTrue(Files.size(run.resolve("loss.png")) > 1000, "loss curve drawn");
        String config = Files.readString(run.resolve("config.conf"));
        assertTrue(config.contains("learning-rate"));
        assertTrue(config.contains("# nova host reference.conf: "), "each value's origin");
        assertFalse(config.contains(ConfigLoader.INTERNAL_MARK), "the loader's own markers are not for a reader");
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(6, metrics.size(), String.join("\n", metrics));
        assertTrue(metrics.get(0).startsWith("{\"step\":5,\"loss\":"), metrics.get(0));
        assertTrue(metrics.stream().anyMatch(l -> l.startsWith("{\"step\":20,\"eval\":{\"loss\":")), String.join("\n", metrics));
        try (Stream<Path> s = Files.list(run.resolve("samples"))) {
            assertEquals(2, s.count(), "one sample file per evaluation");
        }
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void resumeContinuesFromTheCheckpointExactly() throws Exception {
        Path straight = train(20);
        Result gen1 = nova("generate", straight.toString(), "--plugin-path", plugins.toString(), "--seed", "7", "--length", "30");

        Path split = dir.resolve("split");
        Files.move(straight, dir.resolve("straight"));
        Path conf = dir.resolve("uni.conf");
        assertEquals(0, nova("train", conf.toString(), "--plugin-path", plugins.toString(), "--run-dir", split.toString(),
                "--set", "nova.train.steps=10").code());
        Result resumed = nova("resume", split.toString(), "--steps", "20", "--plugin-path", plugins.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming 'uni' at step 10 of 20"), resumed.err());
        Result gen2 = nova("generate", split.toString(), "--plugin-path", plugins.toString(), "--seed", "7", "--length", "30");

        assertEquals(0, gen1.code(), gen1.err());
        assertEquals(gen1.out(), gen2.out(), "a resumed run must end where an uninterrupted one does");
    }

    /** What {@code kill -9} during a write leaves: the next record must not be glued to it (issue 42). */
    @Test
    void aResumeAfterATornMetricsLineKeepsEveryNewRecordAndTheReportStillReadsTheRun() throws Exception {
        Path run = train(10);
        Path metrics = run.resolve("metrics.jsonl");
        Files.writeString(metrics, "{\"step\":12,\"lo", java.nio.file.StandardOpenOption.APPEND);
        Result resumed = nova("resume", run.toString(), "--steps", "20", "--plugin-path", plugins.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains(metrics + " ended in a record cut short (14 bytes"), resumed.err());
        List<String> lines = Files.readAllLines(metrics);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"step\":") && l.endsWith("}")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("{\"step\":20,\"eval\":"), lines.toString());
        Result report = nova("report", run.toString(), "--out", dir.resolve("report.html").toString());
        assertEquals(0, report.code(), report.err());
    }

    @Test
    void generateStreamsTextWithPromptAndEvaluatePrintsLoss() throws Exception {
        Path run = train(10);
        Result g = nova("generate", run.toString(), "--plugin-path", plugins.toString(), "--prompt", "ab", "--length", "12",
                "-n", "2");
        assertEquals(0, g.code(), g.err());
        List<String> samples = List.of(g.out().strip().split("\n\n"));
        assertEquals(2, samples.size(), g.out());
        assertTrue(samples.stream().allMatch(s -> s.startsWith("ab") && s.length() >= 2), g.out());

        Result e = nova("evaluate", run.resolve("checkpoints/best.ckpt").toString(), "--plugin-path", plugins.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("loss "), e.out());
    }

    /**
     * generate and evaluate of a run directory say on standard error which checkpoint they read (its latest, with its
     * step, and where its best held-out one is); of a checkpoint file, nothing (issue 43).
     */
    @Test
    void generateAndEvaluateOfARunDirectorySayWhichCheckpointTheyRead() throws Exception {
        Path run = train(20);
        Path latest = run.resolve("checkpoints").resolve("latest.ckpt");
        Path best = run.resolve("checkpoints").resolve("best.ckpt");
        for (String verb : List.of("generate", "evaluate")) {
            String did = verb.equals("generate") ? "nova: samples from " : "nova: evaluated ";
            Result r = nova(verb, run.toString(), "--plugin-path", plugins.toString());
            assertEquals(0, r.code(), r.err());
            String said = r.err().lines().filter(l -> l.startsWith(did)).findFirst().orElse(r.err());
            assertTrue(said.startsWith(did + latest + " (the run's latest checkpoint, step 20"), said);
            assertTrue(said.endsWith(Files.isSameFile(latest, best) ? ", also its best held-out one)"
                    : "; its best held-out one is " + best + ")"), said);
            Result file = nova(verb, latest.toString(), "--plugin-path", plugins.toString());
            assertEquals(0, file.code(), file.err());
            assertTrue(file.err().lines().noneMatch(l -> l.startsWith(did)), file.err());
        }
    }

    @Test
    void pluginErrorsExitOneNamingThePlugin() throws Exception {
        Path run = train(10);
        Files.writeString(run.resolve("config.conf"), "edited");
        Path text = dir.resolve("gone.txt");
        Files.writeString(text, "ab ab ab ab ab ab ab ab ab ab");
        Path other = dir.resolve("other");
        assertEquals(0, nova("train", dir.resolve("uni.conf").toString(), "--plugin-path", plugins.toString(), "--run-dir",
                other.toString(), "--set", "plugins.uni.text-file=" + text, "--set", "nova.train.steps=10").code());
        Files.delete(text);
        Result g = nova("generate", other.toString(), "--plugin-path", plugins.toString());
        assertEquals(1, g.code());
        assertEquals("nova: error: plugin 'uni': cannot read text-file " + text + ": NoSuchFileException"
                + " (run with --debug for details)", g.err().strip());
    }

    @Test
    void corruptCheckpointIsRejectedNamingTheFile() throws Exception {
        Path bad = Files.write(dir.resolve("bad.ckpt"), new byte[] {'P', 'K', 3, 4, 0, 0});
        Result r = nova("generate", bad.toString(), "--plugin-path", plugins.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("nova: checkpoint " + bad + " is corrupt or truncated"), r.err());
    }

    @Test
    void checkpointOfAMissingPluginIsRejectedSayingWhereItWas() throws Exception {
        Path run = train(10);
        Path moved = Files.move(plugins, dir.resolve("elsewhere"));
        Result r = nova("generate", run.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("was written by plugin 'uni' from " + plugins.resolve("uni.jar") + ", which is not installed"
                + " (its plugin folder " + plugins + " no longer exists); give the folder that holds it with --plugin-path DIR"),
                r.err());
        Result found = nova("generate", run.toString(), "--plugin-path", moved.toString(), "--length", "5");
        assertEquals(0, found.code(), found.err());
    }
}

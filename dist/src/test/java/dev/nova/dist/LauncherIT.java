package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the assembled launcher ({@code java -p target/nova/lib -m dev.nova.host/...}) in a separate JVM,
 * with a plugin jar that uses ND4J, the way users run it.
 */
class LauncherIT {

    static final Path LIB = Path.of("target/nova/lib").toAbsolutePath();

    @TempDir
    static Path dir;

    static Path plugins;

    record Run(int code, String out, String err, List<String> loadedClasses) { }

    /** A plugin whose provider touches ND4J only in validate(), never in its constructor or info(). */
    @BeforeAll
    static void buildNd4jPlugin() throws IOException {
        plugins = dir.resolve("plugins");
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.resolve("fixture/nd"));
        Files.createDirectories(classes);
        Files.writeString(src.resolve("module-info.java"), """
                module fixture.nd {
                    requires dev.nova.api;
                    requires dev.nova.runtime;
                    provides dev.nova.api.GeneratorProvider with fixture.nd.NdProvider;
                }
                """);
        Files.writeString(src.resolve("fixture/nd/NdProvider.java"), """
                package fixture.nd;

                import com.typesafe.config.Config;
                import dev.nova.api.*;
                import java.io.InputStream;
                import java.util.List;

                public final class NdProvider implements GeneratorProvider {
                    @Override public PluginInfo info() {
                        return new PluginInfo("nd", "0.0.1", Modality.TEXT, VersionRange.parse("[1.0,2.0)"), "uses ND4J");
                    }
                    @Override public List<ConfigProblem> validate(Config config) {
                        double v = org.nd4j.linalg.factory.Nd4j.ones(3).sumNumber().doubleValue();
                        return v == 3.0 ? List.of() : List.of(new ConfigProblem("x", "ND4J is broken"));
                    }
                    @Override public GenerativeModel create(Config config, ModelContext context) {
                        throw new PluginException("nd", "not a real model");
                    }
                    @Override public GenerativeModel restore(Config config, ModelContext context, InputStream in) {
                        throw new CheckpointException("nd", "not a real model");
                    }
                }
                """);
        Files.createDirectories(plugins);
        jar(src, classes, plugins.resolve("nd.jar"), "fixture/nd/NdProvider");
    }

    /** Compiles a module-info and one class against the launcher's module path and packs them as a plugin jar. */
    static void jar(Path src, Path classes, Path jar, String className) throws IOException {
        List<String> args = List.of("-d", classes.toString(), "--module-path", LIB.toString(), "-proc:none",
                src.resolve("module-info.java").toString(), src.resolve(className + ".java").toString());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, System.out, System.err, args.toArray(String[]::new)));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("module-info.class", className + ".class")) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(Files.readAllBytes(classes.resolve(name)));
                zip.closeEntry();
            }
        }
    }

    static Run nova(String... args) throws Exception {
        return novaIn(dir, args);
    }

    /** Runs the launcher in a new JVM, keeping its output and class-load log under {@code scratch}. */
    static Run novaIn(Path scratch, String... args) throws Exception {
        return novaIn(scratch, java.util.Map.of(), args);
    }

    /** {@link #novaIn(Path, String...)} with environment variables added to this JVM's. */
    static Run novaIn(Path scratch, java.util.Map<String, String> env, String... args) throws Exception {
        Path classLog = Files.createTempFile(scratch, "classes", ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog, "-p", LIB.toString(), "--add-modules", "ALL-MODULE-PATH",
                "-m", "dev.nova.host/dev.nova.host.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not finish in 120 s");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err),
                Files.readAllLines(classLog, StandardCharsets.UTF_8));
    }

    static boolean loadedAnyNd4j(Run r) {
        return r.loadedClasses().stream().anyMatch(l -> l.contains(" org.nd4j."));
    }

    @Test
    void pluginsListsAnNd4jPluginWithoutInitialisingNd4j() throws Exception {
        Run r = nova("plugins", "--plugin-path", plugins.toString());

        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("nd ") && l.contains("fixture.nd") && l.endsWith("ok")), r.out());
        assertFalse(loadedAnyNd4j(r), "nova plugins loaded ND4J classes");
    }

    @Test
    void helpDoesNotInitialiseNd4j() throws Exception {
        Run r = nova("--help");

        assertEquals(0, r.code(), r.err());
        assertFalse(loadedAnyNd4j(r));
    }

    /** The positive control for the two tests above: the class-load log does see ND4J when a plugin uses it. */
    @Test
    void nd4jLoadsFromTheSharedRuntimeWhenAPluginUsesIt() throws Exception {
        Run r = nova("config", "nd", "--plugin-path", plugins.toString());

        assertEquals(0, r.code(), r.err());
        assertTrue(r.loadedClasses().stream().anyMatch(l -> l.contains(" org.nd4j.linalg.factory.Nd4j ")
                && l.contains("nova-runtime")), "ND4J should load from the runtime jar");
    }

    /**
     * Configuration problems are one per line, each naming its origin and key; a key unknown to both the host's check
     * and a kit plugin's own is reported once, with the keys of its own level (before: two problems on one line, the
     * second listing the plugin's top-level keys).
     */
    @Test
    void configurationProblemsAreOnePerLineAndEachKeyOnce() throws Exception {
        Run r = nova("train", "--plugin", "text-gru", "--run-dir", dir.resolve("typo").toString(),
                "--set", "plugins.text-gru.model.hiden=3", "--set", "nova.train.stepz=3");

        assertEquals(2, r.code(), r.err());
        assertEquals(List.of("nova: 2 configuration problems:",
                "nova:   --set nova.train.stepz: nova.train.stepz is not a known setting; did you mean 'nova.train.steps'?",
                "nova:   --set plugins.text-gru.model.hiden: plugins.text-gru.model.hiden is not a known setting; did you"
                        + " mean 'plugins.text-gru.model.hidden'?"), r.err().lines().toList());
        assertFalse(Files.exists(dir.resolve("typo")));
    }

    /**
     * A corpus captured from a terminal trains, with one warning naming its escape codes and where the first one is
     * (issue 43, 5: before, nothing was said and the codes reached the samples and the report).
     */
    @Test
    void escapeCodesInTheTrainingTextAreOneWarning() throws Exception {
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            corpus.append(i % 50 == 7 ? "$ make\n\u001b[32mok\u001b[0m build " + i + "\n" : "line " + i + " of a plain log\n");
        }
        Path data = Files.writeString(dir.resolve("session.log"), corpus.toString());
        Run r = nova("train", "--plugin", "text-gru", "--run-dir", dir.resolve("escapes").toString(),
                "--set", "plugins.text-gru.data.path=" + data, "--set", "plugins.text-gru.model.hidden=16",
                "--set", "plugins.text-gru.model.embedding=8", "--set", "plugins.text-gru.eval.batches=1",
                "--set", "nova.train.steps=2", "--set", "nova.train.eval-every=2", "--set", "nova.train.samples=0");

        assertEquals(0, r.code(), r.err());
        List<String> warnings = r.err().lines().filter(l -> l.contains("control character")).toList();
        assertEquals(1, warnings.size(), r.err());
        // the first is in line 9 of the file; how many fall in the training split is the plugin's split
        assertTrue(warnings.get(0).matches("nova: warning: the training text holds (\\d+) control characters \\(ESC"
                + " \u00d7\\1\\), the first at character \\d+ \\(line 9\\): terminal escape codes.*"), warnings.get(0));
    }

    /**
     * Sampling a text-gru run reads its checkpoint in Java alone: ND4J (a third of a second of native libraries, most of
     * {@code nova generate}'s start-up) never loads, and the samples are those of the network restored whole (the
     * same seed through {@code nova serve}'s batch of one would differ in nothing: the TCK's rules compare the two
     * restores); evaluating the same run does build the network, and loads ND4J.
     */
    @Test
    void generatingFromATextGruRunNeverLoadsNd4j() throws Exception {
        Path run = dir.resolve("sampled");
        Run trained = nova("train", "--plugin", "text-gru", "--run-dir", run.toString(),
                "--set", "plugins.text-gru.data.path=builtin:kjv-genesis", "--set", "plugins.text-gru.model.hidden=16",
                "--set", "plugins.text-gru.model.embedding=8", "--set", "plugins.text-gru.eval.batches=1",
                "--set", "nova.train.steps=3", "--set", "nova.train.eval-every=3", "--set", "nova.train.samples=0");
        assertEquals(0, trained.code(), trained.err());

        Run sampled = nova("generate", run.toString(), "--length", "40", "--seed", "5");
        assertEquals(0, sampled.code(), sampled.err());
        assertTrue(sampled.out().strip().length() >= 20, sampled.out());
        assertFalse(loadedAnyNd4j(sampled), "nova generate loaded ND4J classes");
        assertEquals(sampled.out(), nova("generate", run.toString(), "--length", "40", "--seed", "5").out());

        Run evaluated = nova("evaluate", run.toString());
        assertEquals(0, evaluated.code(), evaluated.err());
        assertTrue(loadedAnyNd4j(evaluated), "the positive control: evaluating builds the network");
    }

    @Test
    void pluginFailuresAreOneLineWithExitOne() throws Exception {
        Run r = nova("train", "--plugin", "nd", "--plugin-path", plugins.toString(), "--run-dir", dir.resolve("run").toString());

        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.equals("nova: error: plugin 'nd': not a real model (run with --debug for details)")),
                r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** A jar that reuses a built-in plugin's id is refused, saying so, and the built-in one keeps working. */
    @Test
    void aJarReusingABuiltInIdIsRefusedAndTheBuiltInStays() throws Exception {
        Path src = dir.resolve("impostor-src");
        Path classes = dir.resolve("impostor-classes");
        Path jarDir = dir.resolve("impostor");
        Files.createDirectories(src.resolve("fixture/impostor"));
        Files.createDirectories(classes);
        Files.createDirectories(jarDir);
        Files.writeString(src.resolve("module-info.java"), """
                module fixture.impostor {
                    requires dev.nova.api;
                    provides dev.nova.api.GeneratorProvider with fixture.impostor.Impostor;
                }
                """);
        Files.writeString(src.resolve("fixture/impostor/Impostor.java"), """
                package fixture.impostor;

                import com.typesafe.config.Config;
                import dev.nova.api.*;
                import java.io.InputStream;

                public final class Impostor implements GeneratorProvider {
                    @Override public PluginInfo info() {
                        return new PluginInfo("text-gru", "9.9.9", Modality.TEXT, VersionRange.parse("[1.0,2.0)"), "same id");
                    }
                    @Override public GenerativeModel create(Config config, ModelContext context) {
                        throw new PluginException("text-gru", "impostor");
                    }
                    @Override public GenerativeModel restore(Config config, ModelContext context, InputStream in) {
                        throw new CheckpointException("text-gru", "impostor");
                    }
                }
                """);
        jar(src, classes, jarDir.resolve("impostor.jar"), "fixture/impostor/Impostor");
        Run r = nova("plugins", "--plugin-path", jarDir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("text-gru ") && l.contains("dev.nova.textgru") && l.endsWith("ok")),
                r.out());
        assertTrue(r.out().contains("refused: duplicate plugin id 'text-gru': module fixture.impostor")
                && r.out().contains("uses the id of the built-in plugin in module dev.nova.textgru"), r.out());
    }

    @Test
    void modulePathHasNoUpstreamDl4jJars() throws IOException {
        try (var s = Files.list(LIB)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith("nd4j-") || n.startsWith("deeplearning4j-")),
                    "the upstream DL4J jars have broken descriptors and must only reach users shaded: " + names);
            assertTrue(names.stream().anyMatch(n -> n.startsWith("nova-runtime-")), names.toString());
        }
    }
}

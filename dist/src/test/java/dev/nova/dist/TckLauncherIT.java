package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nova tck} on the real module path, against plugin jars built from the kit's own self-test fixtures:
 * a correct one and one that ignores the sampling seed.
 */
class TckLauncherIT {

    private static final Path FIXTURES = Path.of("../tck/src/test/java/dev/nova/tck/selftest");

    @TempDir
    static Path dir;

    static Path plugins;

    @BeforeAll
    static void buildFixturePlugins() throws IOException {
        plugins = dir.resolve("plugins");
        jar("fixture.good", "CorrectTextProvider", plugins.resolve("good.jar"));
        jar("fixture.bad", "IgnoresSeedProvider", plugins.resolve("bad.jar"));
    }

    private static void jar(String module, String providerClass, Path jar) throws IOException {
        jar(module, providerClass, null, jar);
    }

    /** A fixture jar; with {@code generated} the provider's source is written here instead of copied. */
    private static void jar(String module, String providerClass, String generated, Path jar) throws IOException {
        Path src = Files.createDirectories(dir.resolve(module + "/src"));
        Path classes = Files.createDirectories(dir.resolve(module + "/classes"));
        Path pkg = Files.createDirectories(src.resolve("dev/nova/tck/selftest"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--module-path", LauncherIT.LIB.toString(),
                "-proc:none", "-nowarn"));
        for (String name : List.of("Flaw", "FixtureModel", "FixtureAudio", "FixtureBatching", "FixtureProvider", providerClass)) {
            Path f = pkg.resolve(name + ".java");
            if (generated != null && name.equals(providerClass)) {
                Files.writeString(f, generated);
            } else {
                Files.copy(FIXTURES.resolve(name + ".java"), f);
            }
            args.add(f.toString());
        }
        Path info = Files.writeString(src.resolve("module-info.java"), "module " + module + " { requires dev.nova.api;"
                + " requires java.management; provides dev.nova.api.GeneratorProvider with dev.nova.tck.selftest." + providerClass + "; }");
        args.add(info.toString());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, System.out, System.err, args.toArray(String[]::new)));
        Files.copy(Path.of("../tck/src/test/resources/reference.conf"), classes.resolve("reference.conf"));
        Files.createDirectories(jar.getParent());
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar)); Stream<Path> s = Files.walk(classes)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(p).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(p));
                zip.closeEntry();
            }
        }
    }

    @Test
    void certifiesAConformantPluginWithExitZero() throws Exception {
        Path report = dir.resolve("report-good");
        LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", plugins.toString(), "--plugin", "fixture-text",
                "--report", report.toString());

        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("plugin 'fixture-text'") && r.out().contains(": CONFORMANT"), r.out());
        String json = Files.readString(report.resolve("tck-report.json"));
        assertEquals(true, com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(json).get("conformant"), json);
    }

    @Test
    void failsANonConformantPluginNamingTheRule() throws Exception {
        Path report = dir.resolve("report-all");
        LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", plugins.toString(), "--report", report.toString());

        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("3.2") && l.contains("failed")
                && l.contains("Plugin 'fixture-image' violates rule 3.2")), r.out());
        assertTrue(r.out().contains("NOT CONFORMANT"), r.out());
        try (Stream<Path> s = Files.list(report.resolve("fixture-image"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".xml")), "JUnit XML report");
        }
    }

    /**
     * One verdict from both entry points: for fixtures across the rule areas (the 6.4 check through Flight Recorder,
     * standard output, threads, state leaks, text and audio prompts, labels, reference data, a declared-but-missing fact), nova tck on the fixture's jar fails
     * exactly the rules the in-build kit fails on the same fixture (tck/src/test/resources/fixture-matrix.txt, which
     * SelfTests asserts through EngineTestKit).
     */
    @Test
    void nova_tckGivesTheInBuildVerdictOnTheSameFixtures() throws Exception {
        Map<String, String[]> matrix = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("../tck/src/test/resources/fixture-matrix.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] f = line.split("\\s*\\|\\s*");
                matrix.put(f[0], f);
            }
        }
        for (String fixture : List.of("CorrectText", "WritesToWorkingDirectory", "WritesToHome", "PrintsToStdout",
                "LeaksThread", "GenerationAdvancesTraining", "AcceptsUnknownPrompt", "IgnoresShapeOnRestore",
                "StreamsExtraText", "ProviderStartsThread", "StopsAtFirstProblem", "CorrectAudio", "IgnoresAudioPrompt",
                "LabelRefusalNamesClass", "ReferenceImagesOtherSize")) {
            String[] f = matrix.get(fixture);
            Path folder = dir.resolve("matrix-" + fixture);
            String cls = "Flawed" + fixture;
            jar("fixture.m" + fixture.toLowerCase(java.util.Locale.ROOT), cls, "package dev.nova.tck.selftest;\n"
                    + "public final class " + cls + " extends FixtureProvider {\n"
                    + "    public " + cls + "() { super(dev.nova.api.Modality." + f[1] + ", Flaw." + f[2] + "); }\n}\n",
                    folder.resolve(fixture + ".jar"));
            Path report = dir.resolve("report-" + fixture);
            LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", folder.toString(), "--report", report.toString());
            java.util.Set<String> failed = new java.util.TreeSet<>();
            r.out().lines().map(String::strip).filter(l -> l.matches("\\d+\\.\\d+ +MUST +failed .*"))
                    .forEach(l -> failed.add(l.split(" +")[0]));
            java.util.Set<String> expected = f.length < 4 || f[3].isBlank() ? java.util.Set.of()
                    : new java.util.TreeSet<>(List.of(f[3].split(",")));
            assertEquals(expected, failed, fixture + ":\n" + r.out() + r.err());
            assertEquals(expected.isEmpty() ? 0 : 1, r.code(), fixture + ": " + r.err());
            assertTrue(r.out().contains(expected.isEmpty() ? ": CONFORMANT" : ": NOT CONFORMANT"), r.out());
            assertTrue(!r.out().contains("plugin 'text-gru'"), "only the folder's plugins are certified: " + r.out());
        }
    }

    /**
     * Rule 1.5 measures a provider as a host meets it, cold: a provider whose class initialiser does 400 ms of work (CPU
     * time, the rule's measure; starting a backend, say) is cheap to construct a second time in the kit's JVM, and warned
     * of only when it is constructed in a JVM of its own.
     */
    @Test
    void aProviderThatIsSlowOnlyColdIsWarnedOf() throws Exception {
        Path folder = dir.resolve("cold");
        jar("fixture.cold", "ColdProvider", "package dev.nova.tck.selftest;\n"
                + "public final class ColdProvider extends FixtureProvider {\n"
                + "    static {\n"
                + "        java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();\n"
                + "        long until = t.getCurrentThreadCpuTime() + 400_000_000L;\n"
                + "        while (t.getCurrentThreadCpuTime() < until) { Thread.onSpinWait(); }\n"
                + "    }\n"
                + "    public ColdProvider() { super(dev.nova.api.Modality.TEXT, Flaw.NONE); }\n}\n",
                folder.resolve("cold.jar"));
        LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", folder.toString(), "--report",
                dir.resolve("report-cold").toString());
        assertEquals(0, r.code(), "a SHOULD rule warns, it does not fail: " + r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("1.5") && l.contains("warning")
                && l.contains("constructing the provider cold (in a JVM of its own, as a host meets it) and calling"
                + " info() took")), r.out());
    }

    /** No false failures from nova tck either: another process writing to the temp folder all through the run. */
    @Test
    void aBusyTemporaryFolderDoesNotFailACorrectPlugin() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Process writer = new ProcessBuilder("bash", "-c", "d=\"$1\"; while :; do f=\"$d/nova-tck-noise-$$-$RANDOM\";"
                + " echo x > \"$f\"; rm -f \"$f\"; touch \"$d/nova-tck-noise-$$\"; done", "noise", tmp.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", plugins.toString(), "--plugin", "fixture-text",
                    "--report", dir.resolve("report-busy").toString());
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains(": CONFORMANT"), r.out());
        } finally {
            writer.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            Files.deleteIfExists(tmp.resolve("nova-tck-noise-" + writer.pid()));
        }
    }

    /**
     * A plugin whose profile declares no facts is not certified by exit code 0: CONFORMANT WITH 11 RULES NOT
     * EXERCISED exits with 3, and with 0 only under --allow-not-exercised.
     */
    @Test
    void rulesNotExercisedExitWithThreeUnlessAllowed() throws Exception {
        Path folder = dir.resolve("bare");
        jar("fixture.bare", "BareTextProvider", folder.resolve("bare.jar"));
        LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", folder.toString(), "--report",
                dir.resolve("report-bare").toString());
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains(": CONFORMANT WITH 11 RULES NOT EXERCISED"), r.out());
        assertTrue(r.out().contains("not exercised: 4.4 textUsesOnlyTheVocabulary -- not exercised: no vocabulary declared"
                + " (ConformanceProfile.withVocabulary)"), r.out());

        LauncherIT.Run allowed = LauncherIT.novaIn(dir, "tck", "--plugin-path", folder.toString(), "--report",
                dir.resolve("report-bare-allowed").toString(), "--allow-not-exercised");
        assertEquals(0, allowed.code(), allowed.out() + allowed.err());
    }

    /** Guard the guard from the launcher: the correct text fixture perturbed 13 ways, each noticed. */
    @Test
    void perturbSweepsAPluginAndSaysWhatTheKitNoticed() throws Exception {
        LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", plugins.toString(), "--plugin", "fixture-text",
                "--perturb", "--report", dir.resolve("report-perturb").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("plugin 'fixture-text' 0.1.0: the kit noticed 13 of 13 perturbations"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("PAYLOAD_BYTE_CHANGED") && l.contains("noticed by")),
                r.out());
    }

    @Test
    void unknownPluginIsAUsageError() throws Exception {
        LauncherIT.Run r = LauncherIT.novaIn(dir, "tck", "--plugin-path", plugins.toString(), "--plugin", "nope");

        assertEquals(2, r.code(), r.err());
    }
}

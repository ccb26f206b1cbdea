package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin built on the kit (the README's bigram example, {@code src/test/fixtures/bigram}), compiled
 * against the assembled module path as an author's build would, loaded from {@code --plugin-path} into its own
 * layer, trained, checkpointed and sampled through the launcher. The kit itself must come from the shared layer.
 */
class KitPluginIT {

    private static final Path FIXTURE = Path.of("src/test/fixtures/bigram").toAbsolutePath();

    @TempDir
    static Path dir;

    static Path plugins;

    @BeforeAll
    static void buildThePlugin() throws IOException {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--module-path", LauncherIT.LIB.toString(),
                "-proc:none", "-Xlint:-options"));
        try (Stream<Path> s = Files.walk(FIXTURE.resolve("src"))) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, System.out, System.err, args.toArray(String[]::new)));
        Files.copy(FIXTURE.resolve("reference.conf"), classes.resolve("reference.conf"));
        plugins = Files.createDirectories(dir.resolve("plugins"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(plugins.resolve("bigram.jar")));
             Stream<Path> s = Files.walk(classes)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(p).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(p));
                zip.closeEntry();
            }
        }
        Files.writeString(dir.resolve("corpus.txt"), "abcabcabd abcabcabd abcabcabd ".repeat(60));
        Files.writeString(dir.resolve("bigram.conf"), "nova { plugin = bigram, train { steps = 60, eval-every = 30 } }\n");
    }

    @Test
    void aKitPluginLoadsFromThePluginPathTrainsAndSamples() throws Exception {
        Path run = dir.resolve("run");
        LauncherIT.Run train = LauncherIT.novaIn(dir, "train", dir.resolve("bigram.conf").toString(), "--plugin-path",
                plugins.toString(), "--run-dir", run.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/best.ckpt")), "a checkpoint was written");
        assertTrue(train.loadedClasses().stream().anyMatch(l -> l.contains(" dev.nova.kit.nn.Dense ")
                && l.contains("nova-kit")), "the kit is loaded once, from the shared layer");
        List<Double> heldOut = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"eval\""))
                .map(l -> Double.parseDouble(l.replaceAll(".*\"loss\":\\s*([0-9.eE+-]+).*", "$1"))).toList();
        assertEquals(2, heldOut.size(), heldOut.toString());
        // Three equally likely successors of 'b' at most: a bigram model that learned is far below log(5) nats.
        assertTrue(heldOut.get(1) < 0.8, "held-out loss after 60 steps: " + heldOut);

        LauncherIT.Run gen = LauncherIT.novaIn(dir, "generate", run.toString(), "--plugin-path", plugins.toString(),
                "-n", "2", "--seed", "5", "--option", "length=30");
        assertEquals(0, gen.code(), gen.err());
        assertTrue(gen.out().lines().anyMatch(l -> l.contains("abcab") || l.contains("bcabc")), gen.out());
    }
}

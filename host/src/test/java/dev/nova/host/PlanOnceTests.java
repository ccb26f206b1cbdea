package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.nova.api.Cancellation;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.host.FixturePlugins.Spec;
import dev.nova.host.internal.config.ConfigSource;
import dev.nova.host.internal.di.HostComponent;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.PluginFinder;
import dev.nova.host.internal.support.Terminal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command is planned once: each configuration file it reads is parsed once, and the plugin's checks run once per
 * phase (loading a configuration; starting a run where its files resolve).
 */
class PlanOnceTests {

    @TempDir
    Path dir;

    /** Counts the parses of each file, by what it is. */
    static final class CountingSource implements ConfigSource {
        final Map<String, Integer> parses = new TreeMap<>();
        private final ConfigSource files = ConfigSource.hocon();

        @Override
        public Config runFile(Path file) {
            parses.merge("run file " + file.getFileName(), 1, Integer::sum);
            return files.runFile(file);
        }

        @Override
        public Config reference(Class<?> anchor, String description) {
            parses.merge(anchor.getModule().getName() + " reference.conf", 1, Integer::sum);
            return files.reference(anchor, description);
        }
    }

    private final Terminal quiet = new Terminal(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    private HostComponent component(Invocation invocation, ConfigSource source) {
        return HostComponent.factory().create(invocation, quiet, source, PluginFinder.modules(), Optional.empty());
    }

    /** How many times the host called a check of the fixture plugin {@code id} (see its provider). */
    private static int calls(String id, String method) {
        Object n = System.getProperties().get("nova.fixture." + id + "." + method);
        return n == null ? 0 : (Integer) n;
    }

    @Test
    void trainParsesEachFileOnceAndChecksThePluginOnce() throws Exception {
        FixturePlugins.build(Spec.of("once-train", "fixture.oncetrain"), dir.resolve("plugins/once.jar"));
        Path run = Files.writeString(dir.resolve("run.conf"), """
                nova.plugin = once-train
                nova.train { steps = 4, eval-every = 2, log-every = 2, samples = 1 }
                plugins.once-train.batch = 2
                """);
        CountingSource source = new CountingSource();

        component(Invocation.train(Optional.of(run), Optional.empty(), Optional.of(dir.resolve("runs/a")), 0,
                List.of("plugins.once-train.learning-rate=0.2"), Optional.of(dir.resolve("plugins"))), source)
                .training().start(new Cancellation());

        assertTrue(Files.isRegularFile(dir.resolve("runs/a/checkpoints/latest.ckpt")), "the run trained");
        assertEquals(Map.of("run file run.conf", 1, "dev.nova.host reference.conf", 1, "fixture.oncetrain reference.conf", 1),
                source.parses);
        assertEquals(0, calls("once-train", "validate"), "the plugin that starts is checked with its files only");
        assertEquals(1, calls("once-train", "validate-with-files"));
    }

    @Test
    void resumeAndGenerateParseNoRunFileAndCheckOnlyWhatStarts() throws Exception {
        FixturePlugins.build(Spec.of("once-resume", "fixture.onceresume"), dir.resolve("plugins/once.jar"));
        Path run = Files.writeString(dir.resolve("run.conf"), """
                nova.plugin = once-resume
                nova.train { steps = 2, eval-every = 2, samples = 0 }
                """);
        Path runDir = dir.resolve("runs/b");
        Optional<Path> plugins = Optional.of(dir.resolve("plugins"));
        component(Invocation.train(Optional.of(run), Optional.empty(), Optional.of(runDir), 0, List.of(), plugins),
                new CountingSource()).training().start(new Cancellation());

        CountingSource resume = new CountingSource();
        component(Invocation.resume(runDir, Optional.of(4L), 0, plugins), resume).training().resume(new Cancellation());
        assertEquals(Map.of(), resume.parses, "a resume reads its configuration from the checkpoint");
        assertEquals(2, calls("once-resume", "validate-with-files"), "once to train, once to resume");
        assertEquals(0, calls("once-resume", "validate"));

        CountingSource generate = new CountingSource();
        component(Invocation.read(runDir, plugins), generate).sampler().generate(
                new GenerationRequest(1, 7, Map.of(), GenerationListener.NONE), dir.resolve("x.png"), Optional.empty(), false);
        assertEquals(Map.of("dev.nova.host reference.conf", 1), generate.parses);
        assertEquals(2, calls("once-resume", "validate-with-files"), "generating starts no run: nothing to check");
    }
}

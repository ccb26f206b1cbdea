package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.nova.host.FixturePlugins.Spec;
import dev.nova.host.internal.config.ConfigErrors;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.config.Origins;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTests {

    @TempDir
    Path dir;

    PluginCatalog catalog;

    @BeforeEach
    void installFixture() {
        FixturePlugins.build(Spec.of("uni", "fixture.uni"), dir.resolve("plugins/uni.jar"));
        catalog = new PluginDiscovery().discover(Optional.of(dir.resolve("plugins")));
    }

    private Path runFile(String text) throws Exception {
        return Files.writeString(dir.resolve("run.conf"), text);
    }

    /** Origins name files as given; the test's files live in a temporary folder. */
    private List<String> relative(List<String> problems) {
        return problems.stream().map(s -> s.replace(dir + java.io.File.separator, "")).toList();
    }

    @Test
    void layersReferenceThenRunFileThenOverrides() throws Exception {
        Path run = runFile("nova.plugin = uni\nplugins.uni { batch = 4, learning-rate = 0.25 }\n");

        Config c = ConfigLoader.load(catalog, Optional.of(run), List.of("plugins.uni.batch=16"));

        assertEquals(16, c.getInt("plugins.uni.batch"), "--set wins over the run file");
        assertEquals(0.25, c.getDouble("plugins.uni.learning-rate"), "the run file wins over the reference");
        assertEquals("abab abab aaaa bbbb. ab ba.", c.getString("plugins.uni.text"), "the reference fills the rest");
        assertEquals(1234, c.getLong("nova.seed"), "the host reference is layered too");
    }

    /** A value an option sets names that option as its origin (issue 43, 7: the report said --set nova.init-from). */
    @Test
    void aValueAnOptionSetsNamesTheOptionAsItsOrigin() throws Exception {
        Config c = ConfigLoader.load(catalog, Optional.empty(), List.of("nova.plugin=uni",
                ConfigLoader.fromOption("--init-from", "nova.init-from", "\"/runs/parent\""), "plugins.uni.batch=8"));

        assertEquals("/runs/parent", c.getString("nova.init-from"));
        assertEquals("--init-from", Origins.format(c.getValue("nova.init-from").origin()));
        assertEquals("--set plugins.uni.batch", Origins.format(c.getValue("plugins.uni.batch").origin()));
    }

    @Test
    void aDefaultWrittenAsARealNumberTakesFractionsThoughItIsZero() throws Exception {
        Path run = runFile("nova.plugin = uni\nplugins.uni.smoothing = 0.01\n");

        Config c = ConfigLoader.load(catalog, Optional.of(run), List.of());

        assertEquals(0.01, c.getDouble("plugins.uni.smoothing"));
        ConfigErrors e = assertThrows(ConfigErrors.class,
                () -> ConfigLoader.load(catalog, Optional.of(run), List.of("plugins.uni.batch=2.5")));
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("plugins.uni.batch must be a whole number")),
                e.problems().toString());
    }

    @Test
    void reportsEveryProblemAtOnceWithItsOrigin() throws Exception {
        Path run = runFile("""
                nova.plugin = uni
                plugins.uni {
                  bacth = 4
                  learning-rate = "fast"
                }
                nova.train.steps = 2.5
                """);

        ConfigErrors e = assertThrows(ConfigErrors.class,
                () -> ConfigLoader.load(catalog, Optional.of(run), List.of("plugins.uni.text=[1,2]")));

        List<String> p = relative(e.problems());
        assertEquals(4, p.size(), () -> String.join("\n", p));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("run.conf: 3: plugins.uni.bacth is not a known setting")
                && s.contains("did you mean 'plugins.uni.batch'")), () -> String.join("\n", p));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("run.conf: 4: plugins.uni.learning-rate must be a number, found string")),
                () -> String.join("\n", p));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("run.conf: 6: nova.train.steps must be a whole number, found")),
                () -> String.join("\n", p));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("--set plugins.uni.text: plugins.uni.text must be a string")),
                () -> String.join("\n", p));
    }

    @Test
    void reportsPluginRangeChecksWithOrigin() throws Exception {
        Path run = runFile("plugins.uni {\n  batch = 0\n  learning-rate = -1\n}\n");

        ConfigErrors e = assertThrows(ConfigErrors.class, () -> ConfigLoader.load(catalog, Optional.of(run), List.of()));

        assertEquals(List.of("run.conf: 3: plugins.uni.learning-rate must be > 0, found -1.0",
                "run.conf: 2: plugins.uni.batch must be >= 1, found 0"), relative(e.problems()));
    }

    @Test
    void rejectsSettingsForPluginsThatAreNotInstalled() throws Exception {
        Path run = runFile("plugins.text-gur { hidden = 3 }\n");

        ConfigErrors e = assertThrows(ConfigErrors.class, () -> ConfigLoader.load(catalog, Optional.of(run), List.of()));

        assertEquals(1, e.problems().size());
        assertTrue(relative(e.problems()).get(0).startsWith("run.conf: 1: plugins.text-gur configures a plugin that is not installed; installed: uni"),
                e.problems().get(0));
    }

    @Test
    void reportsSyntaxErrorsWithFileAndLine() throws Exception {
        Path run = runFile("plugins.uni {\n  batch = = 3\n");

        ConfigErrors e = assertThrows(ConfigErrors.class, () -> ConfigLoader.load(catalog, Optional.of(run), List.of()));

        assertTrue(e.getMessage().contains("run.conf: 2"), e.getMessage());
    }
}

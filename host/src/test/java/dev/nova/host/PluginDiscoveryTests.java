package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.host.FixturePlugins.Spec;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import dev.nova.host.internal.discovery.PluginEntry;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDiscoveryTests {

    @TempDir
    Path dir;

    private PluginCatalog discover() {
        return new PluginDiscovery().discover(Optional.of(dir));
    }

    private static String problemOf(PluginCatalog catalog, String locationPart) {
        return catalog.refused().stream().filter(e -> e.location().contains(locationPart)).findFirst()
                .flatMap(PluginEntry::problem)
                .orElseThrow(() -> new AssertionError("no refusal for " + locationPart + " in " + catalog));
    }

    @Test
    void discoversPluginJarsInPluginDirectoryEachInItsOwnLayer() throws Exception {
        FixturePlugins.build(Spec.of("alpha", "fixture.alpha"), dir.resolve("alpha.jar"));
        FixturePlugins.build(Spec.of("beta", "fixture.beta"), dir.resolve("beta.jar"));

        PluginCatalog catalog = discover();

        assertEquals(Set.of("alpha", "beta"), catalog.loaded().keySet());
        PluginEntry alpha = catalog.find("alpha").orElseThrow();
        assertEquals("fixture.alpha", alpha.moduleName());
        assertEquals(dir.resolve("alpha.jar").toString(), alpha.location());
        Module a = alpha.provider().orElseThrow().getClass().getModule();
        Module b = catalog.find("beta").orElseThrow().provider().orElseThrow().getClass().getModule();
        assertTrue(a.isNamed(), "plugin should be a named module");
        assertTrue(a.getLayer() != b.getLayer(), "each plugin jar should get its own layer");
        assertEquals(ModuleLayer.boot(), a.getLayer().parents().get(0), "plugin layers are children of the boot layer");
    }

    @Test
    void discoversFolderOfJarsAsOnePlugin() throws Exception {
        FixturePlugins.build(Spec.of("gamma", "fixture.gamma"), dir.resolve("gamma/gamma-plugin.jar"));

        PluginCatalog catalog = discover();

        assertEquals(dir.resolve("gamma/gamma-plugin.jar").toString(), catalog.find("gamma").orElseThrow().location());
    }

    @Test
    void discoversProvidersOnTheModulePath() throws Exception {
        Path jar = FixturePlugins.build(Spec.of("booted", "fixture.booted"), dir.resolve("lib/booted.jar"));
        // Stand-in for the boot module path: a layer holding the plugin module, as 'java -p' would build.
        ModuleFinder finder = ModuleFinder.of(jar);
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("fixture.booted"));
        ModuleLayer modulePath = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());

        PluginCatalog catalog = new PluginDiscovery(modulePath).discover(Optional.empty());

        PluginEntry e = catalog.find("booted").orElseThrow();
        assertEquals("fixture.booted", e.moduleName());
        assertEquals(jar.toString(), e.location());
    }

    @Test
    void rejectsDuplicateIdsNamingBothModulesAndLocations() throws Exception {
        FixturePlugins.build(Spec.of("same", "fixture.one"), dir.resolve("one.jar"));
        FixturePlugins.build(Spec.of("same", "fixture.two"), dir.resolve("two.jar"));
        FixturePlugins.build(Spec.of("other", "fixture.other"), dir.resolve("other.jar"));

        PluginCatalog catalog = discover();

        assertEquals(Set.of("other"), catalog.loaded().keySet());
        String problem = problemOf(catalog, "one.jar");
        assertTrue(problem.contains("duplicate plugin id 'same'"), problem);
        assertTrue(problem.contains("fixture.one") && problem.contains("fixture.two"), problem);
        assertTrue(problem.contains(dir.resolve("one.jar").toString()) && problem.contains(dir.resolve("two.jar").toString()), problem);
    }

    @Test
    void refusesPluginWhoseApiRangeExcludesThisHost() throws Exception {
        FixturePlugins.build(Spec.of("future", "fixture.future").apiRange("[2.0,3.0)"), dir.resolve("future.jar"));

        PluginCatalog catalog = discover();

        assertTrue(catalog.loaded().isEmpty());
        String problem = problemOf(catalog, "future.jar");
        assertTrue(problem.contains("'future'") && problem.contains("[2.0,3.0)") && problem.contains("API " + dev.nova.api.ApiVersion.CURRENT), problem);
    }

    @Test
    void reportsCorruptJarByNameWhileOthersLoad() throws Exception {
        Files.write(dir.resolve("broken.jar"), new byte[] {'P', 'K', 3, 4, 1, 2, 3, 9, 9, 9});
        FixturePlugins.build(Spec.of("good", "fixture.good"), dir.resolve("good.jar"));

        PluginCatalog catalog = discover();

        assertEquals(Set.of("good"), catalog.loaded().keySet());
        String problem = problemOf(catalog, "broken.jar");
        assertTrue(problem.contains("broken.jar"), problem);
    }

    @Test
    void reportsMissingProviderClassWhileOthersLoad() throws Exception {
        FixturePlugins.build(Spec.of("hollow", "fixture.hollow").dropping("FixtureProvider.class"), dir.resolve("hollow.jar"));
        FixturePlugins.build(Spec.of("good", "fixture.good"), dir.resolve("good.jar"));

        PluginCatalog catalog = discover();

        assertEquals(Set.of("good"), catalog.loaded().keySet());
        String problem = problemOf(catalog, "hollow.jar");
        assertTrue(problem.contains("fixture.hollow.FixtureProvider"), problem);
    }

    @Test
    void reportsProviderThatThrowsInItsConstructorWhileOthersLoad() throws Exception {
        FixturePlugins.build(Spec.of("grumpy", "fixture.grumpy")
                .constructor("if (true) throw new IllegalStateException(\"no licence file\");"), dir.resolve("grumpy.jar"));
        FixturePlugins.build(Spec.of("good", "fixture.good"), dir.resolve("good.jar"));

        PluginCatalog catalog = discover();

        assertEquals(Set.of("good"), catalog.loaded().keySet());
        PluginEntry grumpy = catalog.refused().get(0);
        assertEquals("fixture.grumpy", grumpy.moduleName());
        String problem = grumpy.problem().orElseThrow();
        assertTrue(problem.contains("fixture.grumpy.FixtureProvider") && problem.contains("no licence file"), problem);
    }

    @Test
    void refusesPluginThatBundlesItsOwnNd4j() throws Exception {
        FixturePlugins.build(Spec.of("greedy", "fixture.greedy")
                .withSource("org/nd4j/linalg/factory/Nd4j.java", "package org.nd4j.linalg.factory; public class Nd4j { }"),
                dir.resolve("greedy.jar"));

        PluginCatalog catalog = discover();

        String problem = problemOf(catalog, "greedy.jar");
        assertTrue(problem.contains("bundles its own ND4J") && problem.contains("dev.nova.runtime"), problem);
    }

    @Test
    void reportsFolderWithoutProvider() throws Exception {
        Files.createDirectories(dir.resolve("empty"));

        PluginCatalog catalog = discover();

        assertTrue(problemOf(catalog, "empty").contains("no module found"));
    }
}

package dev.nova.tck;

import static dev.nova.tck.Harness.should;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nova.api.ApiVersion;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.PluginInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1, metadata: what a provider says of itself.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section1Metadata extends Rules {

    @Test
    default void required_spec1_1_infoIsStable() {
        Harness h = harness();
        PluginInfo again = h.provider().info();
        assertEquals(h.info(), again, h.violation("1.1", "info() changed between calls: " + h.info() + " then " + again));
        assertEquals(h.info(), h.newProvider().info(), h.violation("1.1", "two provider instances describe themselves differently"));
    }

    /** Untested: {@link PluginInfo}'s constructor refuses a malformed id, so no plugin can break the rule. */
    @Test
    default void untested_spec1_2_idIsWellFormed() {
        Harness h = harness();
        assumeTrue(false, "not applicable: PluginInfo's constructor enforces the id's form (" + PluginInfo.ID_PATTERN
                + ", at most 40 characters); a plugin cannot break rule 1.2");
    }

    @Test
    default void required_spec1_3_apiRangeIncludesThisApi() {
        Harness h = harness();
        assertTrue(h.info().apiRange().contains(ApiVersion.CURRENT),
                h.violation("1.3", "API range " + h.info().apiRange() + " excludes API " + ApiVersion.CURRENT));
    }

    /** Untested: {@link PluginInfo}'s constructor refuses a blank version and a description that is not one line. */
    @Test
    default void untested_spec1_4_versionAndDescriptionArePresent() {
        Harness h = harness();
        assumeTrue(false, "not applicable: PluginInfo's constructor enforces a non-blank version and a one-line"
                + " description of 1 to 120 characters; a plugin cannot break rule 1.4");
    }

    @Test
    default void optional_spec1_5_providerIsCheapToConstruct() {
        Harness h = harness();
        // The limit applies to the constructing thread's CPU time, which other processes on the machine do not
        // inflate (wall time did: a correct plugin's provider took 270-1490 ms on a busy 2-core machine, and the rule
        // warned on every run); the wall time is reported beside it.
        long start = System.nanoTime();
        long cpu = ColdStart.cpuNanos();
        GeneratorProvider warm = h.newProvider();
        warm.info();
        long cpuMs = (ColdStart.cpuNanos() - cpu) / 1_000_000;
        long ms = (System.nanoTime() - start) / 1_000_000;
        should(() -> assertTrue(cpuMs < 250, h.violation("1.5", "constructing the provider and calling info() took "
                + cpuMs + " ms of CPU time (" + ms + " ms wall-clock)")));
        // Cold, as a host meets it: in a JVM of its own, every class initialiser it reaches running for the first time.
        java.util.Optional<ColdStart.Result> cold = ColdStart.measure(warm, h.sandbox());
        cold.flatMap(ColdStart.Result::failure).ifPresent(f -> should(() -> fail(h.violation("1.5", "constructing the"
                + " provider in a JVM of its own failed: " + f))));
        cold.filter(c -> c.failure().isEmpty()).ifPresent(c -> should(() -> assertTrue(c.cpuMillis() < 250,
                h.violation("1.5", "constructing the provider cold (in a JVM of its own, as a host meets it) and"
                        + " calling info() took " + c.cpuMillis() + " ms of CPU time (" + c.millis()
                        + " ms wall-clock)"))));
    }

    @Test
    default void required_spec1_6_constructingTheProviderStartsNoThread() throws InterruptedException {
        Harness h = harness();
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        GeneratorProvider p = h.newProvider();
        p.info();
        Thread.sleep(50);
        // Only threads running the plugin's own code count: a thread the JVM or a library starts meanwhile is not
        // the provider's, and must not fail it.
        Class<?> own = ConfigurationVariant.unwrap(p).getClass();
        String pkg = own.getPackageName();
        String module = own.getModule().getName();
        List<String> started = Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> !before.contains(e.getKey()) && e.getKey().isAlive())
                .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith(pkg + ".")
                        || module != null && module.equals(f.getModuleName())))
                .map(e -> e.getKey().getName()).toList();
        assertTrue(started.isEmpty(), h.violation("1.6", "constructing the provider and calling info() started threads "
                + started + "; the host constructs every installed provider to list plugins"));
    }
}

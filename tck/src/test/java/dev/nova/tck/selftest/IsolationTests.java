package dev.nova.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * No false failures: another process creating, changing and deleting files in the system temporary folder (where
 * every test's private root lives) all through the kit's run must not fail a correct plugin. Rule 0.1's 6.4 compared
 * a listing of that folder and failed correct plugins this way; 0.2 watches only what the kit owns.
 */
class IsolationTests {

    @Test
    void aBusyTemporaryFolderDoesNotFailACorrectPlugin() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        // A writer in another process: a new file, a change and a deletion in the temp folder, all the time.
        Process writer = new ProcessBuilder("bash", "-c", "d=\"$1\"; while :; do f=\"$d/nova-tck-noise-$$-$RANDOM\";"
                + " echo x > \"$f\"; echo y >> \"$f\"; rm -f \"$f\"; touch \"$d/nova-tck-noise-$$\"; done", "noise", tmp.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(200);
            assertTrue(writer.isAlive(), "the writer runs");
            for (Class<?> fixture : List.of(FixtureVerifications.CorrectText.class, FixtureVerifications.CorrectImage.class)) {
                for (int round = 0; round < 3; round++) {
                    Events tests = EngineTestKit.engine("junit-jupiter")
                            .selectors(selectMethod(fixture, "required_spec6_4_writesNothingOutsideItsWorkDirectory"))
                            .execute().testEvents();
                    assertEquals(1, tests.succeeded().count(), () -> fixture.getSimpleName() + " failed 6.4 with another"
                            + " process writing to " + tmp + ": " + tests.failed().list());
                }
                Events all = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
                assertEquals(0, all.failed().count(), () -> fixture.getSimpleName() + " " + all.failed().list());
            }
        } finally {
            writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            try (var s = Files.list(tmp)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("nova-tck-noise-" + writer.pid())).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

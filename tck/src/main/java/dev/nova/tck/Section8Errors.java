package dev.nova.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.PluginException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8, errors: documented exceptions that name the plugin, nothing on standard output, no stray threads.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section8Errors extends Rules {

    @Test
    default void required_spec8_1_wronglyTypedOptionRaisesPluginException() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        String key = h.info().modality() == Modality.TEXT ? GenerationRequest.TEMPERATURE : GenerationRequest.LABEL;
        try {
            m.generate(h.request(1, 5).with(key, "hot"));
            fail(h.violation("8.1", "accepted " + key + " = \"hot\""));
        } catch (PluginException e) {
            assertEquals(h.info().id(), e.pluginId(), h.violation("8.1", "the exception names plugin '" + e.pluginId() + "' (rule 8.2)"));
        } catch (RuntimeException e) {
            fail(h.violation("8.1", key + " = \"hot\" raised undocumented " + e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    @Test
    default void required_spec8_2_exceptionsNameThePlugin() {
        Harness h = harness();
        try {
            byte[] foreign = Arrays.copyOf("not a checkpoint of any plugin".getBytes(StandardCharsets.US_ASCII), 1024);
            GenerativeModel m = h.provider().restore(h.config(), h.context(), new ByteArrayInputStream(foreign));
            h.keep(m);
        } catch (PluginException e) {
            assertTrue(e.getMessage().contains("'" + h.info().id() + "'") && h.info().id().equals(e.pluginId()),
                    h.violation("8.2", "message does not name the plugin: " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            fail(h.violation("8.1", "restore of a foreign payload raised undocumented " + e.getClass().getName()));
        }
        fail(h.violation("8.2", "restore() accepted a foreign payload, so no exception could name the plugin (rule 6.3)"));
    }

    @Test
    default void required_spec8_3_nothingIsPrintedToStandardOutput() {
        Harness h = harness();
        h.runEveryCall();                                                   // one-time start-up messages settle
        java.io.PrintStream previous = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            GenerativeModel m = h.warm();
            h.generate(m, h.request(2, 1));
            h.call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(Harness.SEED)));
            h.restore(h.save(m));
        } finally {
            System.setOut(previous);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.isEmpty(), h.violation("8.3", "printed to standard output, which belongs to the host (generated"
                + " text goes there): \"" + (out.length() > 200 ? out.substring(0, 200) + "..." : out) + "\""));
    }

    @Test
    default void required_spec8_4_noThreadOutlivesClose() throws InterruptedException {
        Harness h = harness();
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        GenerativeModel m = h.warm();
        h.generate(m, h.request(2, 1));
        h.call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(Harness.SEED)));
        h.call("8.4", "close", () -> {
            m.close();
            return null;
        });
        h.forget(m);
        List<Thread> left = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon()).toList();
            if (!left.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertTrue(left.isEmpty(), h.violation("8.4", "threads still running 2 s after close(), which keep the JVM from"
                + " exiting: " + left.stream().map(Thread::getName).toList()));
    }
}

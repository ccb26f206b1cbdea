package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static dev.nova.tck.Harness.describe;
import static dev.nova.tck.Harness.exercisedOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6, checkpoints: payloads restore exactly, bad ones are refused, files stay in the work folder.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section6Checkpoints extends Rules {

    @Test
    default void required_spec6_1_saveThenRestoreGivesTheSameSamples() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        GenerativeModel back = h.restore(h.save(m));
        assertEquals(m.step(), back.step(), h.violation("6.1", "restored model is at step " + back.step() + ", saved at " + m.step()));
        List<Sample> a = h.generate(m, h.request(2, 11));
        List<Sample> b = h.generate(back, h.request(2, 11));
        assertEquals(a, b, h.violation("6.1", "restored model generated " + describe(b) + ", the saved one " + describe(a)));
    }

    @Test
    default void required_spec6_2_truncatedPayloadIsRejected() {
        Harness h = harness();
        byte[] payload = h.save(h.warm());
        for (int len : new int[] {0, payload.length / 2, payload.length - 1}) {
            byte[] cut = Arrays.copyOf(payload, len);
            expectCheckpointException("6.2", "a payload truncated to " + len + " of " + payload.length + " bytes", cut);
        }
    }

    @Test
    default void required_spec6_3_foreignPayloadIsRejected() {
        Harness h = harness();
        byte[] foreign = "PK\u0003\u0004 some other plugin's checkpoint, version 7".getBytes(StandardCharsets.ISO_8859_1);
        byte[] longer = Arrays.copyOf(foreign, 4096);
        expectCheckpointException("6.3", "a payload written by another plugin", longer);
    }

    private void expectCheckpointException(String rule, String what, byte[] payload) {
        Harness h = harness();
        try {
            GenerativeModel m = h.provider().restore(h.config(), h.context(), new ByteArrayInputStream(payload));
            h.keep(m);
            fail(h.violation(rule, "restore() accepted " + what));
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().contains(h.info().id()), h.violation(rule, "the message does not name the plugin (rule 8.2): "
                    + e.getMessage()));
        } catch (PluginException e) {
            fail(h.violation(rule, "restore() rejected " + what + " with " + e.getClass().getSimpleName()
                    + " instead of CheckpointException: " + e.getMessage()));
        } catch (RuntimeException e) {
            fail(h.violation("8.1", "restore() rejected " + what + " with undocumented " + e.getClass().getName()));
        }
    }

    /**
     * Watches only what the kit owns, so that nothing else on the machine can fail a plugin: a private root (this
     * test's temporary folder) that holds the work directory, a temporary folder and a home folder, to which
     * {@code java.io.tmpdir} and {@code user.home} point while the plugin runs. The check compares the root before
     * and after, and, through Java Flight Recorder's file-write events, catches writes anywhere else (the working
     * directory, absolute paths) made by the threads of the code under test. The plugin first runs the same
     * sequence once unwatched, so that one-time set-up of native libraries (JavaCPP's cache) is not counted.
     */
    @Test
    default void required_spec6_4_writesNothingOutsideItsWorkDirectory() throws Exception {
        Harness h = harness();
        h.config();
        h.runEveryCall();                                                   // native libraries and caches settle
        Path tmp = Files.createDirectories(h.sandbox().resolve("tmp"));
        Path home = Files.createDirectories(h.sandbox().resolve("home"));
        Map<String, Long> before = snapshot();
        ThreadGroup group = new ThreadGroup("nova-tck-6.4-" + System.nanoTime());
        List<String> outside = java.util.Collections.synchronizedList(new ArrayList<>());
        String previousTmp = System.getProperty("java.io.tmpdir");
        String previousHome = System.getProperty("user.home");
        try (FileWrites writes = FileWrites.start(group, h.work(), outside)) {
            System.setProperty("java.io.tmpdir", tmp.toString());
            System.setProperty("user.home", home.toString());
            Throwable[] thrown = {null};
            Thread runner = new Thread(group, () -> {
                try {
                    h.runEveryCall();
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            }, "nova-tck-6.4");
            runner.start();
            runner.join();
            System.setProperty("java.io.tmpdir", previousTmp);
            System.setProperty("user.home", previousHome);
            if (thrown[0] instanceof AssertionError a) {
                throw a;
            } else if (thrown[0] != null) {
                throw new AssertionError(h.violation("8.1", "threw " + thrown[0]), thrown[0]);
            }
            Map<String, Long> after = snapshot();
            boolean delivered = writes.awaitDelivery(h.sandbox());
            assertEquals(before, after, h.violation("6.4", "files outside the work directory changed: " + diff(before, after)));
            assertTrue(outside.isEmpty(), h.violation("6.4", "wrote outside its work directory: " + outside));
            // The private root was compared; writes elsewhere are seen only through Flight Recorder. Without it, or
            // when its events did not arrive, that half did not run: the rule is not exercised, never passed.
            exercisedOnlyIf(writes.recording(), "writes outside the private root are watched through Java Flight"
                    + " Recorder (module jdk.jfr), which this JVM does not offer; only the private root was compared");
            exercisedOnlyIf(delivered, "Java Flight Recorder did not deliver its file-write events within "
                    + FileWrites.DELIVERY.toSeconds() + " s; only the private root was compared");
        } finally {
            System.setProperty("java.io.tmpdir", previousTmp);
            System.setProperty("user.home", previousHome);
        }
    }

    @Test
    default void required_spec6_5_resumeContinuesExactly() {
        Harness h = harness();
        resumesExactly(h, h.config(), "");
        // Again where the optimiser's schedule and clipping act (the defaults may leave them idle): a schedule that
        // restarts at a restore, or clipping state the payload lacks, shows only there.
        Optional<Config> settings = h.optimizerSettings();
        if (settings.isPresent()) {
            resumesExactly(h, settings.get().withFallback(h.config()).resolve(), " under the profile's optimiser settings "
                    + settings.get().root().render(com.typesafe.config.ConfigRenderOptions.concise()));
        }
    }

    /** Rule 6.5 at one configuration: trained 5 steps, saved, 3 more steps; restored, the same 3 steps' losses. */
    private static void resumesExactly(Harness h, Config config, String where) {
        GenerativeModel straight = h.keep(h.call("6.5", "create", () -> h.provider().create(config, h.context())));
        h.train(straight, Harness.WARM_UP_STEPS);
        byte[] payload = h.save(straight);
        List<Double> expected = h.train(straight, 3).stream().map(StepEvent::loss).toList();
        GenerativeModel resumed = h.keep(h.call("6.5", "restore", () -> h.provider().restore(config, h.context(),
                new ByteArrayInputStream(payload))));
        List<Double> actual = h.train(resumed, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, h.violation("6.5", "after restore" + where + ", the next losses were " + actual
                + "; an uninterrupted model had " + expected));
    }

    @Test
    default void required_spec6_6_aPayloadIsNotRestoredUnderAnotherShape() {
        Harness h = harness();
        Optional<Map.Entry<String, Object>> other = h.incompatibleSetting();
        applicableOnlyIf(!h.profile().map(ConformanceProfile::shapeless).orElse(false),
                "the plugin declares that no setting shapes its parameters (ConformanceProfile.withNoShapeSettings)");
        h.requireFact(other.isPresent(), "no incompatible setting declared (ConformanceProfile.withIncompatibleSetting)");
        byte[] payload = h.save(h.warm());
        Config changed = h.config().withValue(other.get().getKey(), ConfigValueFactory.fromAnyRef(other.get().getValue()));
        try {
            GenerativeModel m = h.provider().restore(changed, h.context(), new ByteArrayInputStream(payload));
            h.keep(m);
            fail(h.violation("6.6", "restore() read a payload written with " + other.get().getKey() + " = "
                    + h.config().getValue(other.get().getKey()).unwrapped() + " into a model configured with "
                    + other.get().getValue()));
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().contains(h.info().id()), h.violation("6.6", "the message does not name the plugin (rule 8.2): "
                    + e.getMessage()));
        } catch (PluginException e) {
            fail(h.violation("6.6", "restore() refused it with " + e.getClass().getSimpleName()
                    + " instead of CheckpointException: " + e.getMessage()));
        } catch (RuntimeException e) {
            fail(h.violation("6.6", "restore() refused it with undocumented " + e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    /** Every path under the private root except the work directory, with its size and modification time. */
    private Map<String, Long> snapshot() throws IOException {
        Harness h = harness();
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(h.sandbox())) {
            for (Path p : s.toList()) {
                if (p.startsWith(h.work()) || p.getFileName().toString().startsWith(FileWrites.MARKER)) {
                    continue;
                }
                files.put(h.sandbox().relativize(p).toString(),
                        Files.isRegularFile(p) ? Files.size(p) ^ Files.getLastModifiedTime(p).toMillis() : -1L);
            }
        }
        return files;
    }

    private static String diff(Map<String, Long> before, Map<String, Long> after) {
        List<String> d = new ArrayList<>();
        after.forEach((k, v) -> {
            if (!before.containsKey(k)) {
                d.add("created " + k);
            } else if (!before.get(k).equals(v)) {
                d.add("modified " + k);
            }
        });
        before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k -> d.add("deleted " + k));
        return String.join(", ", d);
    }

    /**
     * Saving changes nothing: a model saved between two {@code train} calls trains on and samples exactly as one
     * that was not saved (the host saves at every checkpoint interval, in the middle of a run).
     */
    @Test
    default void required_spec6_7_savingChangesNothing() {
        Harness h = harness();
        GenerativeModel saved = h.warm();
        GenerativeModel untouched = h.warm();
        h.save(saved);
        h.save(saved);
        List<Double> a = h.train(saved, 3).stream().map(StepEvent::loss).toList();
        List<Double> b = h.train(untouched, 3).stream().map(StepEvent::loss).toList();
        assertEquals(b, a, h.violation("6.7", "after save(), the next training losses were " + a + " where an unsaved"
                + " model's were " + b));
        assertEquals(h.generate(untouched, h.request(2, 9)), h.generate(saved, h.request(2, 9)),
                h.violation("6.7", "after save() and training, the samples differ from an unsaved model's"));
    }

    /**
     * A payload holds the whole model: restored in another place (another work directory and base directory, the
     * first work directory emptied, as when a run is copied to another machine), it samples and trains on as the
     * model restored in place.
     */
    @Test
    default void required_spec6_8_aPayloadRestoresInAnotherPlace() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        byte[] payload = h.save(m);
        GenerativeModel here = h.restore(payload);
        List<Sample> samples = h.generate(here, h.request(2, 4));
        List<Double> losses = h.train(here, 3).stream().map(StepEvent::loss).toList();
        h.close();
        h.clearWork();
        GenerativeModel there = h.keep(h.call("6.8", "restore", () -> h.provider().restore(h.config(), h.elsewhere(),
                new java.io.ByteArrayInputStream(payload))));
        assertEquals(samples, h.generate(there, h.request(2, 4)), h.violation("6.8", "restored with another work"
                + " directory and base directory, the model gave other samples than restored in place"));
        assertEquals(losses, h.train(there, 3).stream().map(StepEvent::loss).toList(), h.violation("6.8",
                "restored in another place, the model trained to other losses than restored in place"));
    }

    @Test
    default void required_spec6_9_aModelSavedInTwoPartsRestoresFromBothAndGeneratesFromThePayload() {
        Harness h = harness();
        GenerativeModel straight = h.fresh();
        h.train(straight, Harness.WARM_UP_STEPS);
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream state = new java.io.ByteArrayOutputStream();
        h.call("6.9", "save", () -> {
            straight.save(payload, state);
            return null;
        });
        byte[] whole = h.save(straight);                      // saving changes nothing (6.7)
        List<Double> expected = h.train(straight, 3).stream().map(StepEvent::loss).toList();

        GenerativeModel resumed = h.keep(h.call("6.9", "restore", () -> h.provider().restore(h.config(), h.context(),
                new ByteArrayInputStream(payload.toByteArray()),
                Optional.of(new ByteArrayInputStream(state.toByteArray())))));
        List<Double> actual = h.train(resumed, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, h.violation("6.9", "restored from its payload and training state, the model's"
                + " next losses were " + actual + "; an uninterrupted model had " + expected));

        GenerativeModel forGeneration = h.keep(h.call("6.9", "restore", () -> h.provider().restore(h.config(),
                h.context(), new ByteArrayInputStream(payload.toByteArray()), Optional.empty())));
        List<Sample> samples = h.generate(h.restore(whole), h.request(2, 13));
        List<Sample> generated = h.generate(forGeneration, h.request(2, 13));
        assertEquals(samples, generated, h.violation("6.9", "restored from its payload alone, the model generated "
                + describe(generated) + "; restored from its whole payload, " + describe(samples)));
    }
}

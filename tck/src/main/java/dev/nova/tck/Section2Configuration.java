package dev.nova.tck;

import static dev.nova.tck.Harness.exercisedOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2, configuration: the reference, validation and refusals.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section2Configuration extends Rules {

    @Test
    default void required_spec2_1_referenceConfLivesAtJarRoot() {
        Harness h = harness();
        assertTrue(h.reference() != null, h.violation("2.1", "no reference.conf with plugins." + h.info().id()
                + " at the root of module " + h.pluginModule().getName()));
    }

    @Test
    default void required_spec2_2_defaultsAreValidAndBuildAModel() {
        Harness h = harness();
        List<ConfigProblem> problems = h.call("2.2", "validate", () -> h.provider().validate(h.config()));
        assertTrue(problems.isEmpty(), h.violation("2.2", "validate() rejects its own conformance config: " + problems));
        List<ConfigProblem> forRun = h.call("2.2", "validate", () -> h.provider().validate(h.config(), h.base()));
        assertTrue(forRun.isEmpty(), h.violation("2.2", "validate(config, baseDirectory) rejects its own conformance config: "
                + forRun));
        assertTrue(h.fresh() != null, h.violation("2.2", "create() returned null"));
    }

    @Test
    default void required_spec2_3_unknownKeyIsRejected() {
        Harness h = harness();
        Config typo = h.config().withValue("surely-not-a-setting", ConfigValueFactory.fromAnyRef(3));
        List<ConfigProblem> problems = h.provider().validate(typo);
        assertTrue(problems.stream().anyMatch(p -> p.path().equals("surely-not-a-setting")),
                h.violation("2.3", "validate() accepted the unknown key 'surely-not-a-setting'; problems: " + problems));
    }

    @Test
    default void required_spec2_4_invalidValueIsRejectedNamingTheKey() {
        Harness h = harness();
        Optional<Map.Entry<String, Object>> bad = h.invalidSetting();
        h.requireFact(bad.isPresent(), "no invalid setting declared (ConformanceProfile.withInvalidSetting)");
        Config c = h.config().withValue(bad.get().getKey(), ConfigValueFactory.fromAnyRef(bad.get().getValue()));
        List<ConfigProblem> problems = h.call("2.4", "validate", () -> h.provider().validate(c));
        assertTrue(problems.stream().anyMatch(p -> p.path().equals(bad.get().getKey()) && !p.message().isBlank()),
                h.violation("2.4", "validate() accepted " + bad.get().getKey() + " = " + bad.get().getValue() + "; problems: " + problems));
    }

    @Test
    default void required_spec2_5_createRejectsAnInvalidValueWithAPluginException() {
        Harness h = harness();
        Optional<Map.Entry<String, Object>> bad = h.invalidSetting();
        h.requireFact(bad.isPresent(), "no invalid setting declared (ConformanceProfile.withInvalidSetting)");
        Config c = h.config().withValue(bad.get().getKey(), ConfigValueFactory.fromAnyRef(bad.get().getValue()));
        try {
            GenerativeModel m = h.provider().create(c, h.context());
            h.keep(m);
            fail(h.violation("2.5", "create() built a model with " + bad.get().getKey() + " = " + bad.get().getValue()
                    + ", which validate() must refuse"));
        } catch (PluginException e) {
            assertEquals(h.info().id(), e.pluginId(), h.violation("2.5", "the exception names plugin '" + e.pluginId() + "'"));
        } catch (RuntimeException e) {
            fail(h.violation("2.5", "create() refused " + bad.get().getKey() + " = " + bad.get().getValue()
                    + " with undocumented " + e.getClass().getName() + " instead of a PluginException (InvalidConfigException)"));
        }
    }
    @Test
    default void required_spec2_6_validateReportsEveryProblemAtOnce() {
        Harness h = harness();
        Optional<Map.Entry<String, Object>> bad = h.invalidSetting();
        h.requireFact(bad.isPresent(), "no invalid setting declared (ConformanceProfile.withInvalidSetting)");
        Config invalid = h.config().withValue(bad.get().getKey(), ConfigValueFactory.fromAnyRef(bad.get().getValue()));
        Config unknown = h.config().withValue("surely-not-a-setting", ConfigValueFactory.fromAnyRef(3));
        boolean eachAlone = h.call("2.6", "validate", () -> h.provider().validate(invalid)).stream()
                .anyMatch(p -> p.path().equals(bad.get().getKey()))
                && h.call("2.6", "validate", () -> h.provider().validate(unknown)).stream()
                .anyMatch(p -> p.path().equals("surely-not-a-setting"));
        exercisedOnlyIf(eachAlone, "validate() does not report each problem alone (rules 2.3 and 2.4)");
        Config c = invalid.withValue("surely-not-a-setting", ConfigValueFactory.fromAnyRef(3));
        List<ConfigProblem> problems = h.call("2.6", "validate", () -> h.provider().validate(c));
        java.util.Set<String> named = new java.util.TreeSet<>(problems.stream().map(ConfigProblem::path).toList());
        assertTrue(named.contains("surely-not-a-setting") && named.contains(bad.get().getKey()), h.violation("2.6",
                "with an unknown key and " + bad.get().getKey() + " = " + bad.get().getValue() + ", validate() reported only "
                        + problems + "; the user fixes every problem in one round"));
    }

}

package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static dev.nova.tck.Harness.exercisedOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.FineTuning;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.api.Tuning;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10, fine-tuning: a model started from a checkpoint holds its parent's parameters, keeps its parent's
 * architecture, grows without forgetting, and keeps frozen parameters fixed.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section10FineTuning extends Rules {

    /** The provider's fine-tuning capability; the rule is not applicable when it has none. */
    private FineTuning fineTuning(String rule) {
        Harness h = harness();
        Optional<FineTuning> f = h.call(rule, "fineTuning", () -> h.provider().fineTuning());
        applicableOnlyIf(f != null && f.isPresent(), "the plugin does not offer fine-tuning"
                + " (GeneratorProvider.fineTuning() is empty)");
        return f.get();
    }

    /** A model's named parameters; the rule is not exercised when the model does not declare them. */
    private Tuning tuning(String rule, GenerativeModel m, String why) {
        Harness h = harness();
        Optional<Tuning> t = h.call(rule, "tuning", m::tuning);
        exercisedOnlyIf(t != null && t.isPresent(), "the plugin's models do not declare their parameters"
                + " (GenerativeModel.tuning() is empty), which " + why);
        return t.get();
    }

    private GenerativeModel fineTune(String rule, FineTuning f, Config config, byte[] parent) {
        return fineTune(rule, f, config, parent, new java.util.ArrayList<>());
    }

    /** {@link #fineTune(String, FineTuning, Config, byte[])}, collecting the notices the plugin gives. */
    private GenerativeModel fineTune(String rule, FineTuning f, Config config, byte[] parent, List<String> notices) {
        Harness h = harness();
        return h.keep(h.call(rule, "fineTuning().create", () -> f.create(config, h.context(),
                new FineTuneRequest(new ByteArrayInputStream(parent), h.config(), false, notices::add))));
    }

    @Test
    default void required_spec10_1_aModelFineTunedFromItsOwnCheckpointStartsAsItsParent() {
        Harness h = harness();
        FineTuning f = fineTuning("10.1");
        GenerativeModel parent = h.warm();
        byte[] payload = h.save(parent);
        GenerativeModel child = fineTune("10.1", f, h.config(), payload);
        assertEquals(0L, child.step(), h.violation("10.1", "a fine-tuned model starts at step 0, found step "
                + child.step()));
        Map<String, Double> a = h.call("10.1", "evaluate", () -> parent.evaluate(EvaluationRequest.heldOut(Harness.SEED)));
        Map<String, Double> b = h.call("10.1", "evaluate", () -> child.evaluate(EvaluationRequest.heldOut(Harness.SEED)));
        assertEquals(a.get(GenerativeModel.LOSS), b.get(GenerativeModel.LOSS), h.violation("10.1", "the model fine-tuned"
                + " from a checkpoint, under the same configuration and data, evaluates to " + b + " before it trains;"
                + " its parent to " + a + ": its parameters are not its parent's"));
        Optional<Tuning> pt = parent.tuning();
        Optional<Tuning> ct = child.tuning();
        if (pt.isPresent() && ct.isPresent()) {
            Map<String, float[]> pv = FineTuningChecks.values(h, "10.1", pt.get());
            Map<String, float[]> cv = FineTuningChecks.values(h, "10.1", ct.get());
            assertEquals(pv.keySet(), cv.keySet(), h.violation("10.1", "the fine-tuned model's parameters are "
                    + cv.keySet() + ", its parent's " + pv.keySet()));
            pv.forEach((name, v) -> assertTrue(Arrays.equals(v, cv.get(name)), h.violation("10.1", "parameter " + name
                    + " of the fine-tuned model differs from its parent's")));
        }
    }

    @Test
    default void required_spec10_2_anotherArchitectureIsRefusedNamingTheSetting() {
        Harness h = harness();
        FineTuning f = fineTuning("10.2");
        Optional<Map.Entry<String, Object>> other = h.incompatibleSetting();
        h.requireFact(other.isPresent(), "no incompatible setting declared (ConformanceProfile.withIncompatibleSetting)");
        String key = other.get().getKey();
        byte[] payload = h.save(h.warm());
        Config changed = h.config().withValue(key, ConfigValueFactory.fromAnyRef(other.get().getValue()));
        try {
            GenerativeModel m = f.create(changed, h.context(), FineTuneRequest.of(new ByteArrayInputStream(payload),
                    h.config()));
            h.keep(m);
            fail(h.violation("10.2", "fineTuning().create started a model configured with " + key + " = "
                    + other.get().getValue() + " from a checkpoint written with " + key + " = "
                    + h.config().getValue(key).unwrapped()));
        } catch (PluginException e) {
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains(h.info().id()), h.violation("10.2", "the message does not name the plugin"
                    + " (rule 8.2): " + message));
            assertTrue(message.contains(key), h.violation("10.2", "the refusal does not name the setting " + key + ": "
                    + message));
        } catch (RuntimeException e) {
            fail(h.violation("10.2", "fineTuning().create refused it with undocumented " + e.getClass().getName() + ": "
                    + e.getMessage()));
        }
    }

    @Test
    default void required_spec10_3_aGrownVocabularyKeepsTheOldRows() {
        Harness h = harness();
        FineTuning f = fineTuning("10.3");
        applicableOnlyIf(h.isText(), "vocabulary growth concerns text plugins");
        applicableOnlyIf(!h.anyCharacter(), "at this configuration the model's tokens are bytes: its vocabulary never"
                + " grows");
        Optional<String> vocabulary = h.vocabulary();
        Optional<String> setting = h.profile().flatMap(dev.nova.api.ConformanceProfile::dataSetting);
        h.requireFact(vocabulary.isPresent(), "no vocabulary declared (ConformanceProfile.withVocabulary)");
        h.requireFact(setting.isPresent(), "no data setting declared (ConformanceProfile.withDataSetting)");
        GenerativeModel parent = h.warm();
        Tuning pt = tuning("10.3", parent, "rule 10.3 compares");
        Map<String, float[]> before = FineTuningChecks.values(h, "10.3", pt);
        String added = Harness.outsideVocabulary(vocabulary.get());
        Path text = h.base().resolve("grown-corpus.txt");
        try {
            Files.writeString(text, (vocabulary.get() + added + " " + added + vocabulary.get()).repeat(60),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Config grown = h.config().withValue(setting.get(), ConfigValueFactory.fromAnyRef(text.toString()));
        List<String> notices = new java.util.ArrayList<>();
        GenerativeModel child = fineTune("10.3", f, grown, h.save(parent), notices);
        Map<String, float[]> after = FineTuningChecks.values(h, "10.3", tuning("10.3", child, "rule 10.3 compares"));
        boolean grew = FineTuningChecks.keptWhileGrowing(h, "10.3", before, after, "for a corpus with the new character '" + added + "'");
        assertTrue(grew, h.violation("10.3", "no parameter grew for a corpus with the new character '" + added + "'"));
        FineTuningChecks.announced(h, "10.3", notices, List.of(added), "for a corpus with the new character '" + added + "'");
    }

    @Test
    default void required_spec10_4_frozenParametersDoNotMove() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        Optional<Tuning> t = h.call("10.4", "tuning", m::tuning);
        applicableOnlyIf(t != null && t.isPresent(), "the plugin's models do not declare their parameters"
                + " (GenerativeModel.tuning() is empty)");
        List<Tuning.Parameter> parameters = h.call("10.4", "tuning().parameters", () -> t.get().parameters());
        assertTrue(parameters != null && !parameters.isEmpty(), h.violation("10.4", "tuning().parameters() is empty"));
        String frozen = parameters.get(0).name();
        h.call("10.4", "tuning().freeze", () -> {
            t.get().freeze(List.of(frozen));
            return null;
        });
        assertEquals(java.util.Set.of(frozen), t.get().frozen(), h.violation("10.4", "frozen() is " + t.get().frozen()
                + " after freezing " + frozen));
        Map<String, float[]> before = FineTuningChecks.values(h, "10.4", t.get());
        h.train(m, 3);
        Map<String, float[]> after = FineTuningChecks.values(h, "10.4", t.get());
        assertTrue(Arrays.equals(before.get(frozen), after.get(frozen)), h.violation("10.4", "frozen parameter " + frozen
                + " changed in 3 steps of train"));
        if (parameters.size() > 1) {
            assertTrue(before.keySet().stream().anyMatch(n -> !Arrays.equals(before.get(n), after.get(n))),
                    h.violation("10.4", "no parameter changed in 3 steps of train with only " + frozen + " frozen"));
        }
        Optional<DataParallel> dp = h.call("10.4", "dataParallel", m::dataParallel);
        if (dp != null && dp.isPresent()) {
            DataParallel p = dp.get();
            long step = m.step();
            int batch = p.globalBatch(step);
            float[] sum = new float[p.parameterCount()];
            Map<String, Double> stats = h.call("10.4", "gradientSum", () -> p.gradientSum(step, 0, batch, sum));
            double units = stats.get(DataParallel.UNITS);
            float[] mean = new float[sum.length];
            for (int i = 0; i < sum.length; i++) {
                mean[i] = (float) (sum[i] / units);
            }
            h.call("10.4", "applyUpdate", () -> p.applyUpdate(step, mean, stats));
            float[] updated = h.call("10.4", "tuning().values", () -> t.get().values(frozen));
            assertTrue(Arrays.equals(after.get(frozen), updated), h.violation("10.4", "frozen parameter " + frozen
                    + " changed in a data-parallel step (applyUpdate)"));
        }
    }

    /**
     * What {@link Tuning}'s Javadoc promises beyond freezing's effect (10.4): the parameters in a fixed order, the same
     * after training and in a restored model; {@code values} a copy of {@code count()} values, refusing an unknown name
     * by naming it; {@code freeze} refusing an unknown name by naming it and freezing nothing, and adding to what is
     * frozen already; freezing not saved in the payload.
     */
    @Test
    default void required_spec10_5_tuningKeepsItsPromises() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        Optional<Tuning> t = h.call("10.5", "tuning", m::tuning);
        applicableOnlyIf(t != null && t.isPresent(), "the plugin's models do not declare their parameters"
                + " (GenerativeModel.tuning() is empty)");
        Tuning tuning = t.get();
        List<Tuning.Parameter> parameters = h.call("10.5", "tuning().parameters", tuning::parameters);
        assertTrue(parameters != null && !parameters.isEmpty(), h.violation("10.5", "tuning().parameters() is empty"));
        assertEquals(parameters.size(), parameters.stream().map(Tuning.Parameter::name).distinct().count(),
                h.violation("10.5", "tuning().parameters() names a parameter twice: " + parameters));
        for (Tuning.Parameter p : parameters) {
            float[] v = h.call("10.5", "tuning().FineTuningChecks.values(h, " + p.name() + ")", () -> tuning.values(p.name()));
            assertTrue(v != null && v.length == p.count(), h.violation("10.5", "FineTuningChecks.values(h, " + p.name() + ") gave "
                    + (v == null ? null : v.length + " values") + " for a parameter of shape " + p + " (" + p.count()
                    + " values)"));
            float[] kept = v.clone();
            Arrays.fill(v, Float.NaN);
            float[] again = h.call("10.5", "tuning().FineTuningChecks.values(h, " + p.name() + ")", () -> tuning.values(p.name()));
            assertTrue(Arrays.equals(kept, again), h.violation("10.5", "FineTuningChecks.values(h, " + p.name() + ") is not a copy: writing"
                    + " into the array it returned changed what the next call returns"));
        }
        String unknown = "no-such-parameter.tck";
        String none = "a name that is not a parameter's is refused";
        h.refuses("10.5", "values(\"" + unknown + "\")", unknown, none, () -> tuning.values(unknown));
        h.refuses("10.5", "freeze([\"" + unknown + "\"])", unknown, none, () -> {
            tuning.freeze(List.of(unknown));
            return null;
        });
        assertEquals(java.util.Set.of(), tuning.frozen(), h.violation("10.5", "a refused freeze of " + unknown + " left "
                + tuning.frozen() + " frozen: a refused call changes nothing"));
        String first = parameters.get(0).name();
        h.call("10.5", "tuning().freeze", () -> {
            tuning.freeze(List.of(first));
            tuning.freeze(List.of());
            return null;
        });
        assertEquals(java.util.Set.of(first), tuning.frozen(), h.violation("10.5", "freeze([" + first + "]) then"
                + " freeze([]) left " + tuning.frozen() + " frozen: freezing adds to what is frozen already"));
        h.train(m, 1);
        assertEquals(parameters, h.call("10.5", "tuning().parameters", tuning::parameters), h.violation("10.5",
                "the parameters changed in a step of training; their order is fixed"));
        GenerativeModel restored = h.restore(h.save(m));
        Optional<Tuning> rt = h.call("10.5", "tuning", restored::tuning);
        assertTrue(rt != null && rt.isPresent(), h.violation("10.5", "a restored model does not declare its parameters"
                + " where the saved one did"));
        assertEquals(parameters, h.call("10.5", "tuning().parameters", () -> rt.get().parameters()), h.violation(
                "10.5", "the restored model's parameters differ from the saved model's: names are stable in the payload"));
        assertEquals(java.util.Set.of(), rt.get().frozen(), h.violation("10.5", "the restored model has " + rt.get()
                .frozen() + " frozen: freezing is not saved in the payload (the host freezes again after a restore)"));
    }

    /**
     * {@link FineTuning#architecture()} as its Javadoc promises: paths of the plugin's subtree, "each present in the
     * plugin's reference configuration", none twice; and the setting the profile declares incompatible (it shapes the
     * parameters: rule 10.2) is one of them, since the host takes and compares exactly these from the parent's saved
     * configuration.
     */
    @Test
    default void required_spec10_6_architectureNamesTheShapeSettings() {
        Harness h = harness();
        FineTuning f = fineTuning("10.6");
        List<String> paths = h.call("10.6", "fineTuning().architecture()", f::architecture);
        assertTrue(paths != null, h.violation("10.6", "fineTuning().architecture() is null"));
        assertEquals(paths.size(), paths.stream().distinct().count(), h.violation("10.6", "architecture() names a"
                + " setting twice: " + paths));
        Config reference = h.reference();
        exercisedOnlyIf(reference != null, "the plugin has no reference.conf (rule 2.1)");
        for (String path : paths) {
            boolean present;
            try {
                present = reference.hasPath(path);
            } catch (com.typesafe.config.ConfigException e) {
                present = false;
            }
            assertTrue(present, h.violation("10.6", "architecture() names '" + path + "', which the plugin's"
                    + " reference.conf does not define (plugins." + h.info().id() + "." + path + "): the host reads it"
                    + " from every parent's configuration"));
        }
        h.incompatibleSetting().ifPresent(other -> assertTrue(paths.contains(other.getKey()), h.violation("10.6",
                "the profile's incompatible setting " + other.getKey() + " shapes the parameters, yet architecture() "
                        + paths + " leaves it out: the host neither takes it from the parent nor refuses a change")));
    }

    /**
     * The classes of image and audio models grow as 10.3's vocabulary does, and a class keeps its index: the parent
     * fine-tuned on data the kit writes in the plugin's modality (two class folders whose names sort before any
     * letter, so that sorting the classes would move the parent's) keeps every parameter that did not grow, and each
     * that grew holds its parent's values; a conditional model grows, and its classes are its parent's in the parent's
     * order followed by the new ones, so that a label given to the parent names the same class in the child.
     */
    @Test
    default void required_spec10_7_grownClassesKeepTheParentsRowsAndIndices() {
        Harness h = harness();
        applicableOnlyIf(!h.isText(), "class growth concerns image and audio plugins (text grows its vocabulary, 10.3)");
        FineTuning f = fineTuning("10.7");
        Optional<String> setting = h.profile().flatMap(dev.nova.api.ConformanceProfile::dataSetting);
        h.requireFact(setting.isPresent(), "no data setting declared (ConformanceProfile.withDataSetting)");
        GenerativeModel parent = h.warm();
        Tuning pt = tuning("10.7", parent, "rule 10.7 compares");
        Map<String, float[]> before = FineTuningChecks.values(h, "10.7", pt);
        List<String> parentClasses = FineTuningChecks.classes(h, "10.7", parent);
        boolean conditional = FineTuningChecks.conditional(h, "10.7", parent);
        String[] added = {"0-new", "1-new"};
        Path data = h.info().modality() == dev.nova.api.Modality.IMAGE
                ? EvaluationData.images(h.base().resolve("grown-classes"), added)[0]
                : EvaluationData.audio(h.base().resolve("grown-classes"), added)[0];
        Config grown = h.config().withValue(setting.get(), ConfigValueFactory.fromAnyRef(data.toString()));
        List<String> notices = new java.util.ArrayList<>();
        GenerativeModel child = fineTune("10.7", f, grown, h.save(parent), notices);
        Map<String, float[]> after = FineTuningChecks.values(h, "10.7", tuning("10.7", child, "rule 10.7 compares"));
        boolean grew = FineTuningChecks.keptWhileGrowing(h, "10.7", before, after, "for data with the new classes " + List.of(added));
        if (conditional) {
            FineTuningChecks.announced(h, "10.7", notices, List.of(added), "for data with the new classes " + List.of(added));
            assertTrue(grew, h.violation("10.7", "no parameter grew for data with the classes " + List.of(added)
                    + ", which the conditional parent " + parentClasses + " never saw"));
            List<String> childClasses = FineTuningChecks.classes(h, "10.7", child);
            List<String> expected = new java.util.ArrayList<>(parentClasses);
            expected.addAll(List.of(added));
            assertEquals(expected, childClasses, h.violation("10.7", "the parent's classes were " + parentClasses
                    + "; fine-tuned on data with the classes " + List.of(added) + " the model's are " + childClasses
                    + ", where the parent's keep their indices (a label of the parent names the same class) and the"
                    + " new ones follow"));
        }
    }

    /**
     * The other side of 10.3 and 10.7: a child whose data has fewer characters or classes than its parent keeps its
     * parent's. Fine-tuned on data that holds a strict subset of what the parent knows (a text of the profile's
     * vocabulary without its first character; image or audio data in one class folder, named as the parent's last
     * class), the model before it trains is its parent: no parameter changed size or value, its samples for the same
     * request and seed are the parent's (a conditional model's for the kept class, named), its text tokens encode as
     * the parent's, and its classes are the parent's, in the parent's order.
     */
    @Test
    default void required_spec10_8_fewerTokensOrClassesKeepTheParents() {
        Harness h = harness();
        FineTuning f = fineTuning("10.8");
        Optional<String> setting = h.profile().flatMap(dev.nova.api.ConformanceProfile::dataSetting);
        GenerativeModel parent;
        Config subset;
        GenerationRequest request = h.request(2, 11);
        String what;
        if (h.isText()) {
            applicableOnlyIf(!h.anyCharacter(), "at this configuration the model's tokens are bytes: its vocabulary"
                    + " is every byte, whatever the data");
            Optional<String> vocabulary = h.vocabulary();
            h.requireFact(vocabulary.isPresent(), "no vocabulary declared (ConformanceProfile.withVocabulary)");
            h.requireFact(setting.isPresent(), "no data setting declared (ConformanceProfile.withDataSetting)");
            String kept = vocabulary.get().substring(vocabulary.get().offsetByCodePoints(0, 1));
            exercisedOnlyIf(kept.codePointCount(0, kept.length()) >= 2, "the profile's vocabulary "
                    + vocabulary.get() + " has fewer than three characters");
            parent = h.warm();
            Path text = h.base().resolve("subset-corpus.txt");
            String reversed = new StringBuilder(kept).reverse().toString();
            try {
                Files.writeString(text, (kept + " " + reversed + " ").repeat(60), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            subset = h.config().withValue(setting.get(), ConfigValueFactory.fromAnyRef(text.toString()));
            what = "a text without the character '" + vocabulary.get().substring(0, vocabulary.get().length()
                    - kept.length()) + "' of the parent's vocabulary";
        } else {
            parent = h.warm();
            List<String> parentClasses = FineTuningChecks.classes(h, "10.8", parent);
            applicableOnlyIf(FineTuningChecks.conditional(h, "10.8", parent) && parentClasses.size() >= 2, "the model is not conditional"
                    + " on classes (referenceData().conditional()), so data with fewer classes is no different");
            h.requireFact(setting.isPresent(), "no data setting declared (ConformanceProfile.withDataSetting)");
            String last = parentClasses.get(parentClasses.size() - 1);
            Path data = h.info().modality() == dev.nova.api.Modality.IMAGE
                    ? EvaluationData.images(h.base().resolve("subset-classes"), last, last)[0]
                    : EvaluationData.audio(h.base().resolve("subset-classes"), last, last)[0];
            subset = h.config().withValue(setting.get(), ConfigValueFactory.fromAnyRef(data.toString()));
            request = request.with(GenerationRequest.LABEL, last);
            what = "data of the class '" + last + "' alone, one of the parent's " + parentClasses;
        }
        Optional<Tuning> pt = h.call("10.8", "tuning", parent::tuning);
        Map<String, float[]> before = pt != null && pt.isPresent() ? FineTuningChecks.values(h, "10.8", pt.get()) : Map.of();
        List<Sample> parentSamples = h.generate(parent, request);
        byte[] payload = h.save(parent);
        Config config = subset;
        GenerativeModel child = h.keep(h.call("10.8", "fineTuning().create on " + what, () -> f.create(config,
                h.context(), FineTuneRequest.of(new ByteArrayInputStream(payload), h.config()))));
        Optional<Tuning> ct = h.call("10.8", "tuning", child::tuning);
        if (!before.isEmpty() && ct != null && ct.isPresent()) {
            Map<String, float[]> after = FineTuningChecks.values(h, "10.8", ct.get());
            for (Map.Entry<String, float[]> e : before.entrySet()) {
                float[] c = after.get(e.getKey());
                assertTrue(c != null, h.violation("10.8", "the model fine-tuned on " + what + " has no parameter "
                        + e.getKey()));
                assertEquals(e.getValue().length, c.length, h.violation("10.8", "parameter " + e.getKey() + " has "
                        + c.length + " values in the model fine-tuned on " + what + ", " + e.getValue().length
                        + " in its parent: the parent's characters and classes are kept, whatever the data holds"));
                assertTrue(Arrays.equals(e.getValue(), c), h.violation("10.8", "parameter " + e.getKey() + " of the"
                        + " model fine-tuned on " + what + " differs from its parent's before it trains"));
            }
        }
        if (!h.isText()) {
            List<String> parentClasses = FineTuningChecks.classes(h, "10.8", parent);
            List<String> childClasses = FineTuningChecks.classes(h, "10.8", child);
            assertEquals(parentClasses, childClasses, h.violation("10.8", "the parent's classes were " + parentClasses
                    + "; fine-tuned on " + what + " the model's are " + childClasses + ": a class keeps its index"
                    + " (a label of the parent names the same class), whatever the data holds"));
        } else {
            Optional<dev.nova.api.TextTokens> a = h.call("10.8", "textTokens()", parent::textTokens);
            Optional<dev.nova.api.TextTokens> b = h.call("10.8", "textTokens()", child::textTokens);
            if (a != null && a.isPresent() && b != null && b.isPresent()) {
                String all = h.vocabulary().orElseThrow();
                int[] x = h.call("10.8", "textTokens().encode", () -> a.get().encode(all));
                int[] y = h.call("10.8", "textTokens().encode", () -> b.get().encode(all));
                assertTrue(Arrays.equals(x, y), h.violation("10.8", "the parent's vocabulary \"" + all + "\" encodes"
                        + " as " + Arrays.toString(x) + " by the parent, as " + Arrays.toString(y) + " by the model"
                        + " fine-tuned on " + what + ": a character keeps its token"));
            }
        }
        List<Sample> childSamples = h.generate(child, request);
        assertEquals(parentSamples, childSamples, h.violation("10.8", "before it trains, the model fine-tuned on "
                + what + " gives other samples than its parent for the same request and seed: "
                + Harness.describe(childSamples) + " against " + Harness.describe(parentSamples)));
    }

    /**
     * {@link FineTuneRequest#carryOptimizerState()}, on and off, from a parent saved in one part and in two: carried,
     * the optimiser's state comes from wherever the parent's checkpoint holds it (inline in the payload, or apart,
     * {@link FineTuneRequest#parentTrainingState()}), and the two train alike; not carried, it is never read, wherever
     * it is; either way the model starts at step 0. Where the parent's two-part save writes a training state apart
     * (its optimiser has state), carrying it changes how the child trains.
     */
    @Test
    default void required_spec10_9_carriedOptimizerStateComesFromEitherPart() {
        Harness h = harness();
        FineTuning f = fineTuning("10.9");
        GenerativeModel parent = h.warm();
        byte[] inline = h.save(parent);
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream state = new java.io.ByteArrayOutputStream();
        h.call("10.9", "save(payload, trainingState)", () -> {
            parent.save(payload, state);
            return null;
        });
        byte[] apartPayload = payload.toByteArray();
        byte[] apartState = state.toByteArray();
        record Run(List<Double> losses, List<Sample> samples) {
        }
        java.util.function.BiFunction<String, FineTuneRequest, Run> run = (what, request) -> {
            GenerativeModel child = h.keep(h.call("10.9", "fineTuning().create (" + what + ")",
                    () -> f.create(h.config(), h.context(), request)));
            assertEquals(0L, child.step(), h.violation("10.9", "the model fine-tuned " + what + " starts at step "
                    + child.step() + ", not 0"));
            List<Double> losses = h.train(child, 3).stream().map(dev.nova.api.StepEvent::loss).toList();
            return new Run(losses, h.generate(child, h.request(2, 13)));
        };
        java.util.function.Consumer<String> ignore = n -> { };
        Run onInline = run.apply("carrying the optimiser state of a one-part checkpoint", new FineTuneRequest(
                new ByteArrayInputStream(inline), h.config(), true, ignore));
        Run onApart = run.apply("carrying the optimiser state written apart", new FineTuneRequest(
                new ByteArrayInputStream(apartPayload), h.config(), true, ignore,
                Optional.of(new ByteArrayInputStream(apartState))));
        Run offInline = run.apply("without the optimiser state, from a one-part checkpoint", new FineTuneRequest(
                new ByteArrayInputStream(inline), h.config(), false, ignore));
        Run offApart = run.apply("without the optimiser state, from a two-part checkpoint", new FineTuneRequest(
                new ByteArrayInputStream(apartPayload), h.config(), false, ignore,
                Optional.of(new ByteArrayInputStream(apartState))));
        assertEquals(onInline, onApart, h.violation("10.9", "carrying the optimiser state, the model fine-tuned from a"
                + " two-part checkpoint (the state in FineTuneRequest.parentTrainingState) trains to " + onApart.losses()
                + ", from the same parent saved in one part to " + onInline.losses() + ": the state written apart"
                + " was not carried as the inline one was"));
        assertEquals(offApart, offInline, h.violation("10.9", "not carrying the optimiser state, the model fine-tuned"
                + " from a one-part checkpoint trains to " + offInline.losses() + ", from the same parent saved in"
                + " two parts to " + offApart.losses() + ": a state that is not to be carried was read from where"
                + " it was"));
        if (apartState.length > 0) {
            assertTrue(!onInline.losses().equals(offInline.losses()) || !onInline.samples().equals(offInline.samples()),
                    h.violation("10.9", "the parent's two-part save writes an optimiser state ("
                            + apartState.length + " bytes), yet the model fine-tuned carrying it trains to the same"
                            + " losses " + onInline.losses() + " and samples as one that starts its optimiser afresh:"
                            + " carryOptimizerState is ignored"));
        }
    }

}

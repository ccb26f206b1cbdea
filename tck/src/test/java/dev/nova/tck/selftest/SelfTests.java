package dev.nova.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The kit tests itself: every fixture in {@link FixtureVerifications} is wrong in one way and must fail exactly
 * the rules that way breaks, with a message naming the plugin and the rule; the correct fixtures must pass every
 * required rule. Weakening a rule's check makes one of these fail.
 */
class SelfTests {

    private static final Pattern RULE = Pattern.compile("(required|optional|untested)_spec(\\d+)_(\\d+)_");

    /** The matrix in {@code fixture-matrix.txt}: each fixture class and exactly the rules it fails. */
    static Stream<Arguments> fixtures() throws Exception {
        List<Arguments> out = new java.util.ArrayList<>();
        for (String line : matrix()) {
            String[] f = line.split("\\s*\\|\\s*");
            Class<?> fixture = Class.forName(FixtureVerifications.class.getName() + "$" + f[0]);
            Set<String> rules = f.length < 4 || f[3].isBlank() ? Set.of() : Set.of(f[3].split(","));
            out.add(Arguments.of(fixture, rules));
        }
        return out.stream();
    }

    static List<String> matrix() throws java.io.IOException {
        try (var in = SelfTests.class.getResourceAsStream("/fixture-matrix.txt")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    /** Every MUST rule of the kit has a fixture that fails it, so removing a rule's assertion fails a self-test. */
    @org.junit.jupiter.api.Test
    void everyTestedMustRuleHasAFixture() throws Exception {
        Set<String> covered = new TreeSet<>();
        for (String line : matrix()) {
            String[] f = line.split("\\s*\\|\\s*");
            if (f.length == 4 && !f[3].isBlank()) {
                covered.addAll(List.of(f[3].split(",")));
            }
        }
        Set<String> must = new TreeSet<>();
        for (java.lang.reflect.Method m : dev.nova.tck.GeneratorVerification.class.getMethods()) {
            Matcher r = Pattern.compile("required_spec(\\d+)_(\\d+)_").matcher(m.getName());
            if (r.find()) {
                must.add(r.group(1) + "." + r.group(2));
            }
        }
        assertEquals(specRules("MUST"), must, "the kit's required_ tests and the MUST rules of SPEC.md differ");
        must.removeAll(covered);
        assertEquals(Set.of(), must, "MUST rules without a fixture that fails them");
    }

    /** The rules of a level in SPEC.md's tables ({@code | 4.9 | MUST | ...}). */
    private static Set<String> specRules(String level) throws java.io.IOException {
        Set<String> rules = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| (\\d+\\.\\d+) \\| " + level + " \\|")
                .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("SPEC.md")));
        while (m.find()) {
            rules.add(m.group(1));
        }
        return rules;
    }

    /** A SHOULD rule that a plugin breaks is a warning (the test aborted with the violation), never a failure. */
    @org.junit.jupiter.api.Test
    void aBrokenShouldRuleWarnsInsteadOfFailing() throws Exception {
        assertEquals(Set.of("1.5"), specRules("SHOULD"), "a SHOULD rule without a fixture showing that it warns");
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(org.junit.platform.engine.discovery
                .DiscoverySelectors.selectMethod(FixtureVerifications.SlowProvider.class,
                        "optional_spec1_5_providerIsCheapToConstruct")).execute().testEvents();
        assertEquals(0, tests.failed().count(), "a SHOULD rule failed instead of warning");
        List<String> warnings = tests.aborted().list().stream().map(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("")).toList();
        assertEquals(1, warnings.size(), "rule 1.5 did not warn: " + warnings);
        assertTrue(warnings.get(0).startsWith("warning: Plugin 'fixture-text' violates rule 1.5 "), warnings.get(0));
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @MethodSource("fixtures")
    void fixtureFailsExactlyTheRulesItBreaks(Class<?> fixture, Set<String> expected) {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();

        Map<String, String> failed = new TreeMap<>();
        for (Event e : tests.failed().list()) {
            String method = e.getTestDescriptor().getSource()
                    .filter(s -> s instanceof org.junit.platform.engine.support.descriptor.MethodSource)
                    .map(s -> ((org.junit.platform.engine.support.descriptor.MethodSource) s).getMethodName()).orElse("?");
            Matcher m = RULE.matcher(method);
            assertTrue(m.find(), "test method without a rule id: " + method);
            String message = e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                    .map(Throwable::getMessage).orElse("");
            failed.put(m.group(2) + "." + m.group(3), message);
        }
        assertEquals(new TreeSet<>(expected), failed.keySet(), () -> fixture.getSimpleName() + " failed " + failed);
        failed.forEach((rule, message) -> assertTrue(message.startsWith("Plugin 'fixture-")
                && message.contains("violates rule "), "unhelpful failure message for rule " + rule + ": " + message));
        for (String rule : expected) {
            assertTrue(failed.get(rule).contains("rule " + rule + " "),
                    "rule " + rule + " failed with a message naming another rule: " + failed.get(rule));
        }
        if (expected.isEmpty()) {
            // A correct fixture exercises every rule that applies to it: each rule it did not pass is one of the
            // untested_ ones or does not concern it; none is left not exercised or passed with a warning.
            Map<String, String> notPassed = new TreeMap<>();
            for (Event e : tests.aborted().list()) {
                notPassed.put(e.getTestDescriptor().getDisplayName(), e.getPayload(TestExecutionResult.class)
                        .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse(""));
            }
            notPassed.forEach((test, why) -> assertTrue(test.startsWith("untested_") || why.startsWith("Assumption failed: not applicable: "),
                    () -> fixture.getSimpleName() + " did not exercise " + test + ": " + why));
            assertEquals(tests.started().count(), tests.succeeded().count() + notPassed.size(),
                    () -> fixture.getSimpleName() + ": every rule that ran passes or does not apply");
        }
    }

    /**
     * Certification that cannot pass with rules unrun: in a plugin's own build, each MUST rule whose fact the profile
     * does not declare fails, naming what to declare; a rule the profile opts out with a reason is reported as not
     * exercised with that reason, and fails nothing.
     */
    @org.junit.jupiter.api.Test
    void aRuleWhoseFactIsMissingFailsTheBuildUnlessTheProfileOptsItOut() {
        Events bare = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FixtureVerifications.BareText.class))
                .execute().testEvents();
        Map<String, String> failed = new TreeMap<>();
        for (Event e : bare.failed().list()) {
            Matcher m = RULE.matcher(e.getTestDescriptor().getDisplayName());
            assertTrue(m.find(), e.getTestDescriptor().getDisplayName());
            failed.put(m.group(2) + "." + m.group(3), e.getPayload(TestExecutionResult.class)
                    .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse(""));
        }
        assertEquals(new TreeSet<>(BareTextProvider.RULES_NEEDING_FACTS), failed.keySet(), failed.toString());
        failed.forEach((rule, message) -> assertTrue(message.startsWith("Plugin 'fixture-text' leaves rule " + rule
                + " of the Nova TCK not exercised: no ") && message.contains("(ConformanceProfile.with")
                && message.contains("withRuleNotExercised(\"" + rule + "\", reason)"), message));

        Events optedOut = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FixtureVerifications.BareTextOptedOut.class)).execute().testEvents();
        assertEquals(0, optedOut.failed().count(), () -> optedOut.failed().list().toString());
        List<String> reasons = optedOut.aborted().list().stream().map(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse(""))
                .filter(m -> m.contains("opted out")).toList();
        assertEquals(BareTextProvider.RULES_NEEDING_FACTS.size(), reasons.size(), reasons.toString());
        reasons.forEach(r -> assertTrue(r.startsWith("not exercised (opted out: the fixture declares"
                + " no facts on purpose): no "), r));
    }

    /**
     * A plugin's test class written against TCK 0.3 (overriding the hooks removed in 0.4) still compiles and runs
     * (issue 44): the facts its hooks declare are used, so the rules that need them pass instead of failing for want
     * of them; the rules whose facts it never declared fail as for any class; nothing else changes.
     */
    @org.junit.jupiter.api.Test
    void aTestClassWrittenForTck03StillBuildsAndItsFactsAreUsed() {
        Events legacy = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FixtureVerifications.LegacyHooksText
                .class)).execute().testEvents();
        Set<String> failed = new TreeSet<>();
        for (Event e : legacy.failed().list()) {
            Matcher m = RULE.matcher(e.getTestDescriptor().getDisplayName());
            assertTrue(m.find(), e.getTestDescriptor().getDisplayName());
            failed.add(m.group(2) + "." + m.group(3));
        }
        Set<String> declared = Set.of("2.4", "2.5", "2.6", "4.4", "4.7", "6.6");
        assertTrue(failed.stream().noneMatch(declared::contains), "rules whose facts the old hooks declare: " + failed);
        assertTrue(BareTextProvider.RULES_NEEDING_FACTS.containsAll(failed), "only rules still lacking a fact fail: "
                + failed);
        assertTrue(legacy.succeeded().count() > 40, legacy.succeeded().count() + " rules passed");
    }

    /**
     * Rule 7.1 finds a race, not only a model that is wrong on every call: a fixture whose generate() is correct
     * alone but shares one scratch buffer between calls fails 7.1 in at least 19 of 20 runs (the SPEC's bar; it
     * failed in every one of 200 runs when this test was written).
     */
    @org.junit.jupiter.api.Test
    void theConcurrencyRuleCatchesASharedScratchBufferNineteenTimesInTwenty() {
        int caught = 0;
        for (int run = 0; run < 20; run++) {
            Events e = EngineTestKit.engine("junit-jupiter").selectors(org.junit.platform.engine.discovery
                    .DiscoverySelectors.selectMethod(FixtureVerifications.RacyScratch.class,
                            "required_spec7_1_concurrentGenerationMatchesSequential")).execute().testEvents();
            assertEquals(1, e.started().count());
            caught += (int) e.failed().count();
        }
        assertTrue(caught >= 19, "rule 7.1 caught the race in " + caught + " of 20 runs");
    }

    @org.junit.jupiter.api.Test
    void correctFixturesSkipOnlyRulesOfTheOtherModality() {
        assertEquals(List.of("required_spec10_7_grownClassesKeepTheParentsRowsAndIndices()",
                "required_spec4_11_anAudioPromptIsContinued()", "required_spec4_3_valuesAreWithinTheirRange()",
                "untested_spec1_2_idIsWellFormed()", "untested_spec1_4_versionAndDescriptionArePresent()"),
                skipped(FixtureVerifications.CorrectText.class));
        List<String> image = new java.util.ArrayList<>(TEXT_RULES);
        image.add("required_spec4_11_anAudioPromptIsContinued()");
        image.add("required_spec4_12_sampleOptionsHoldAtTheirDocumentedLimits()");    // sampling options: text, audio
        image.add("required_spec7_2_batchedGenerationMatchesGenerate()");   // only the text fixture batches
        image.add("required_spec12_1_exportedWeightsImportAsTheSameModel()");   // and reads open weights
        assertEquals(sorted(image), skipped(FixtureVerifications.CorrectImage.class));
        List<String> audio = new java.util.ArrayList<>(TEXT_RULES);
        audio.add("required_spec11_1_referenceDataAgreesWithTheModel()");    // the audio fixture offers no reference
        audio.add("required_spec4_13_labelsHoldAtTheirLimits()");             // data, which says which labels it takes
        audio.add("required_spec7_2_batchedGenerationMatchesGenerate()");
        audio.add("required_spec10_8_fewerTokensOrClassesKeepTheParents()");  // no classes: nothing to keep
        audio.add("required_spec12_1_exportedWeightsImportAsTheSameModel()");
        assertEquals(sorted(audio), skipped(FixtureVerifications.CorrectAudio.class));
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    /** What the correct audio fixture does not run: the text rules, and those the PluginInfo constructor enforces. */
    private static final List<String> TEXT_RULES = List.of(
            "required_spec10_3_aGrownVocabularyKeepsTheOldRows()",
            "required_spec4_4_textUsesOnlyTheVocabulary()", "required_spec4_5_promptIsAPrefix()",
            "required_spec4_7_aPromptOutsideTheVocabularyIsRejected()", "required_spec4_8_temperatureChangesTheSamples()",
            "required_spec4_14_textTokensRoundTrip()", "required_spec4_9_streamedTextIsTheSample()",
            "required_spec5_7_textLossesAreNonNegativeNats()", "untested_spec1_2_idIsWellFormed()",
            "untested_spec1_4_versionAndDescriptionArePresent()");

    private static List<String> skipped(Class<?> fixture) {
        Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
        return events.aborted().list().stream().map(e -> e.getTestDescriptor().getDisplayName()).sorted().toList();
    }
}

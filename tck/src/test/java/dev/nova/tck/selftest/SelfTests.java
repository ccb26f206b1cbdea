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

    private static final Pattern RULE = Pattern.compile("(required|optional)_spec(\\d+)_(\\d+)_");

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of(FixtureVerifications.CorrectText.class, Set.of()),
                Arguments.of(FixtureVerifications.CorrectImage.class, Set.of()),
                Arguments.of(FixtureVerifications.IgnoresSeed.class, Set.of("3.2")),
                Arguments.of(FixtureVerifications.OneSampleShort.class, Set.of("4.1")),
                Arguments.of(FixtureVerifications.PixelsOutOfRange.class, Set.of("4.3")),
                Arguments.of(FixtureVerifications.TokensOutsideVocabulary.class, Set.of("4.4")),
                Arguments.of(FixtureVerifications.LossBecomesNan.class, Set.of("5.1", "5.2")),
                Arguments.of(FixtureVerifications.SaveLosesState.class, Set.of("6.1", "6.5")),
                Arguments.of(FixtureVerifications.AcceptsUnknownKeys.class, Set.of("2.3")),
                Arguments.of(FixtureVerifications.WritesOutsideWorkDirectory.class, Set.of("6.4")),
                Arguments.of(FixtureVerifications.IgnoresCancellation.class, Set.of("5.4")),
                Arguments.of(FixtureVerifications.ThrowsUndocumentedException.class, Set.of("8.1")),
                Arguments.of(FixtureVerifications.AcceptsTruncatedPayload.class, Set.of("6.2")),
                Arguments.of(FixtureVerifications.LossDoesNotFall.class, Set.of("5.2")),
                Arguments.of(FixtureVerifications.SkipsProgressEvents.class, Set.of("5.3")),
                Arguments.of(FixtureVerifications.DropsPrompt.class, Set.of("4.5")),
                Arguments.of(FixtureVerifications.TrainsNondeterministically.class, Set.of("3.3")));
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
            long skippedRequired = tests.aborted().list().stream()
                    .filter(e -> e.getTestDescriptor().getDisplayName().startsWith("required_")).count();
            assertTrue(tests.succeeded().count() >= 25, "the correct fixture should pass the required rules, passed "
                    + tests.succeeded().count() + ", skipped " + skippedRequired);
        }
    }

    @org.junit.jupiter.api.Test
    void correctFixturesSkipOnlyRulesOfTheOtherModality() {
        Events text = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FixtureVerifications.CorrectText.class))
                .execute().testEvents();
        List<String> skipped = text.aborted().list().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
        assertEquals(List.of("required_spec4_3_pixelsAreWithinZeroAndOne()"), skipped);
    }
}

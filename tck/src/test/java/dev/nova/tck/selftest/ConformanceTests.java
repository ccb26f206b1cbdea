package dev.nova.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.tck.Conformance;
import dev.nova.tck.Conformance.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report {@code nova tck} prints and writes. */
class ConformanceTests {

    @TempDir
    Path reports;

    @Test
    void reportsEveryRulePerPluginAndFlagsFailedRequiredRules() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        List<Outcome> outcomes = Conformance.run(List.of(new CorrectTextProvider(), new IgnoresSeedProvider()), reports,
                new PrintStream(console, true, StandardCharsets.UTF_8));

        List<Outcome> text = outcomes.stream().filter(o -> o.plugin().equals("fixture-text")).toList();
        List<Outcome> image = outcomes.stream().filter(o -> o.plugin().equals("fixture-image")).toList();
        assertEquals(59, text.size());
        assertEquals(59, image.size());
        assertEquals("CONFORMANT", Conformance.verdict(text), text.toString());
        assertEquals(List.of("1.2", "1.4", "4.3", "4.11"), text.stream().filter(o -> o.status().equals("not-applicable"))
                .map(Outcome::rule).toList());
        assertEquals(List.of("3.2"), image.stream().filter(o -> o.status().equals("failed")).map(Outcome::rule).toList());
        assertEquals("NOT CONFORMANT", Conformance.verdict(image));

        String report = console.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("plugin 'fixture-text'") && report.contains(": CONFORMANT"), report);
        assertTrue(report.contains("NOT CONFORMANT"), report);
        String json = Files.readString(reports.resolve("tck-report.json"));
        assertTrue(json.contains("\"tck\": \"" + Conformance.VERSION + "\"") && json.contains("\"conformant\": false")
                && json.contains("\"rule\": \"3.2\"") && json.contains("\"sha256\": ") && json.contains("\"started\": ")
                && json.contains("\"verdict\": \"CONFORMANT\""), json);
        try (var s = Files.list(reports.resolve("fixture-image"))) {
            Path xml = s.filter(p -> p.getFileName().toString().startsWith("TEST-") && p.toString().endsWith(".xml"))
                    .findFirst().orElseThrow();
            String x = Files.readString(xml);
            assertTrue(x.contains("name=\"nova.tck.version\" value=\"" + Conformance.VERSION + "\"") && x.contains("name=\"nova.plugin.id\"")
                    && x.contains("name=\"nova.tck.verdict\" value=\"NOT CONFORMANT\""), x.substring(0, Math.min(2000, x.length())));
        }
    }

    /** A MUST rule that could not run is never counted as passed: the verdict names what was not exercised. */
    @Test
    void rulesNotExercisedQualifyTheVerdict() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<Outcome> outcomes = Conformance.run(List.of(new BareTextProvider()), reports,
                new PrintStream(console, true, StandardCharsets.UTF_8));
        assertEquals(List.of("2.4", "2.5", "2.6", "4.4", "4.7", "5.8", "6.6", "9.6", "10.2", "10.3"),
                outcomes.stream().filter(Outcome::notExercised).map(Outcome::rule).toList());
        assertEquals("CONFORMANT WITH 10 RULES NOT EXERCISED", Conformance.verdict(outcomes));
        String report = console.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("not exercised: 2.4 invalidValueIsRejectedNamingTheKey -- not exercised: no invalid"
                + " setting declared"), report);
    }

    /** Rules the profile opts out, with a reason, leave the verdict CONFORMANT and are listed with the reason. */
    @Test
    void rulesOptedOutByTheProfileAreReportedWithTheirReason() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<Outcome> outcomes = Conformance.run(List.of(new BareTextProvider(true)), reports,
                new PrintStream(console, true, StandardCharsets.UTF_8));
        assertEquals(BareTextProvider.RULES_NEEDING_FACTS, outcomes.stream().filter(o -> o.status().equals("opted-out"))
                .map(Outcome::rule).toList());
        assertEquals("CONFORMANT", Conformance.verdict(outcomes));
        String report = console.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("opted out by the plugin: 2.4 invalidValueIsRejectedNamingTheKey -- not exercised"
                + " (opted out: the fixture declares no facts on purpose)"), report);
        assertTrue(Files.readString(reports.resolve("tck-report.json")).contains("\"optedOut\": 10"));
    }
}

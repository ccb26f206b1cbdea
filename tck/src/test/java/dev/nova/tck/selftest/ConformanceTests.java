package dev.nova.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.nova.tck.internal.Conformance;
import dev.nova.tck.internal.Conformance.Outcome;
import dev.nova.tck.internal.Conformance.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        assertEquals(73, text.size());
        assertEquals(73, image.size());
        assertEquals("CONFORMANT", Conformance.verdict(text), text.toString());
        assertEquals(List.of("1.2", "1.4", "4.3", "4.11", "10.7"), text.stream().filter(o -> o.status() == Status.NOT_APPLICABLE)
                .map(Outcome::rule).toList());
        assertEquals(List.of("3.2"), image.stream().filter(o -> o.status() == Status.FAILED).map(Outcome::rule).toList());
        assertEquals("NOT CONFORMANT", Conformance.verdict(image));

        String report = console.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("plugin 'fixture-text'") && report.contains(": CONFORMANT"), report);
        assertTrue(report.contains("NOT CONFORMANT"), report);
        String json = Files.readString(reports.resolve("tck-report.json"));
        Map<String, Object> parsed = JSON.std.mapFrom(json);
        assertEquals(Conformance.VERSION, parsed.get("tck"), json);
        assertEquals(false, parsed.get("conformant"), json);
        List<?> plugins = (List<?>) parsed.get("plugins");
        Map<?, ?> textPlugin = (Map<?, ?>) plugins.get(0);
        Map<?, ?> imagePlugin = (Map<?, ?>) plugins.get(1);
        assertEquals(List.of("fixture-text", "CONFORMANT", true), List.of(textPlugin.get("id"), textPlugin.get("verdict"),
                textPlugin.get("conformant")), json);
        assertTrue(textPlugin.containsKey("sha256") && textPlugin.containsKey("started")
                && textPlugin.get("seconds") instanceof Number, json);
        List<?> failed = ((List<?>) imagePlugin.get("outcomes")).stream().map(o -> (Map<?, ?>) o)
                .filter(o -> o.get("status").equals("failed")).map(o -> o.get("rule") + " " + o.get("level")).toList();
        assertEquals(List.of("3.2 MUST"), failed, json);
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
        assertEquals(List.of("2.4", "2.5", "2.6", "4.4", "4.7", "5.8", "6.6", "9.6", "10.2", "10.3", "10.8"),
                outcomes.stream().filter(Outcome::notExercised).map(Outcome::rule).toList());
        assertEquals("CONFORMANT WITH 11 RULES NOT EXERCISED", Conformance.verdict(outcomes));
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
        assertEquals(BareTextProvider.RULES_NEEDING_FACTS, outcomes.stream().filter(o -> o.status() == Status.OPTED_OUT)
                .map(Outcome::rule).toList());
        assertEquals("CONFORMANT", Conformance.verdict(outcomes));
        String report = console.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("opted out by the plugin: 2.4 invalidValueIsRejectedNamingTheKey -- not exercised"
                + " (opted out: the fixture declares no facts on purpose)"), report);
        Map<String, Object> json = JSON.std.mapFrom(Files.readString(reports.resolve("tck-report.json")));
        assertEquals(11, ((Map<?, ?>) ((List<?>) json.get("plugins")).get(0)).get("optedOut"), json.toString());
    }
}

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
        assertEquals(31, text.size());
        assertEquals(31, image.size());
        assertTrue(text.stream().noneMatch(o -> o.status().equals("failed")), text.toString());
        assertEquals(List.of("3.2"), image.stream().filter(o -> o.status().equals("failed")).map(Outcome::rule).toList());
        Outcome skipped = text.stream().filter(o -> o.rule().equals("2.4")).findFirst().orElseThrow();
        assertEquals("skipped", skipped.status());
        assertTrue(skipped.message().contains("invalidSetting"), skipped.message());

        String report = console.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("plugin 'fixture-text'") && report.contains("CONFORMANT"), report);
        assertTrue(report.contains("NOT CONFORMANT"), report);
        String json = Files.readString(reports.resolve("tck-report.json"));
        assertTrue(json.contains("\"conformant\": false") && json.contains("\"rule\": \"3.2\""), json);
        try (var s = Files.list(reports.resolve("fixture-image"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("TEST-") && p.toString().endsWith(".xml")));
        }
    }
}

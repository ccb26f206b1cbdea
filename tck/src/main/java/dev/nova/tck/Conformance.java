package dev.nova.tck;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.nova.api.GeneratorProvider;
import dev.nova.api.PluginInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

/**
 * Runs the kit against plugin providers and reports conformance: a table on the console, and JSON and JUnit
 * XML files in a report directory. This is what {@code nova tck} calls.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Conformance {

    private static final Pattern RULE = Pattern.compile("(required|optional)_spec(\\d+)_(\\d+)_(\\w+)");

    private Conformance() {
    }

    /**
     * One rule's outcome for one plugin.
     *
     * @param plugin the plugin id
     * @param rule the rule number, for example {@code 4.1}
     * @param level {@code MUST} or {@code SHOULD}
     * @param name the rule's test name
     * @param status {@code passed}, {@code failed} or {@code skipped}
     * @param message the failure message or skip reason, empty when passed
     */
    public record Outcome(String plugin, String rule, String level, String name, String status, String message) {

        /** Whether this outcome breaks conformance (a failed MUST rule). */
        public boolean breaksConformance() {
            return status.equals("failed") && level.equals("MUST");
        }
    }

    /**
     * Runs every rule against each provider, one provider at a time.
     *
     * @param providers the plugins to certify
     * @param reportDirectory where {@code tck-report.json} and JUnit XML files go (created if needed)
     * @param out where the human-readable report goes
     * @return every outcome, in rule order per plugin
     */
    public static List<Outcome> run(List<GeneratorProvider> providers, Path reportDirectory, PrintStream out) {
        List<Outcome> all = new ArrayList<>();
        for (GeneratorProvider provider : providers) {
            PluginInfo info = provider.info();
            long start = System.nanoTime();
            List<Outcome> outcomes = runOne(provider, info, reportDirectory.resolve(info.id()));
            double secs = (System.nanoTime() - start) / 1e9;
            print(info, outcomes, secs, out);
            all.addAll(outcomes);
        }
        writeJson(all, reportDirectory.resolve("tck-report.json"));
        out.println("reports: " + reportDirectory.resolve("tck-report.json") + " and JUnit XML under " + reportDirectory);
        return all;
    }

    private static List<Outcome> runOne(GeneratorProvider provider, PluginInfo info, Path xmlDir) {
        DiscoveredPluginVerification.target(provider);
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(provider.getClass().getClassLoader());
        List<Outcome> outcomes = new ArrayList<>();
        try {
            Files.createDirectories(xmlDir);
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(DiscoveredPluginVerification.class))
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                    .build();
            Launcher launcher = LauncherFactory.create();
            TestExecutionListener collector = new TestExecutionListener() {
                @Override
                public void executionSkipped(TestIdentifier id, String reason) {
                    add(id, "skipped", reason);
                }

                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (!id.isTest()) {
                        return;
                    }
                    String message = result.getThrowable().map(Throwable::getMessage).map(String::valueOf).orElse("");
                    add(id, switch (result.getStatus()) {
                        case SUCCESSFUL -> "passed";
                        case ABORTED -> "skipped";
                        case FAILED -> "failed";
                    }, message);
                }

                private void add(TestIdentifier id, String status, String message) {
                    Optional<String> method = id.getSource().filter(MethodSource.class::isInstance)
                            .map(s -> ((MethodSource) s).getMethodName());
                    if (method.isEmpty()) {
                        return;
                    }
                    Matcher m = RULE.matcher(method.get());
                    if (m.matches()) {
                        outcomes.add(new Outcome(info.id(), m.group(2) + "." + m.group(3),
                                m.group(1).equals("required") ? "MUST" : "SHOULD", m.group(4), status,
                                message.replaceAll("\\s*\\R\\s*", " ")));
                    }
                }
            };
            PrintWriter xmlLog = new PrintWriter(System.err, true);
            launcher.execute(request, collector, new LegacyXmlReportGeneratingListener(xmlDir, xmlLog));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TCK reports to " + xmlDir + ": " + e.getMessage(), e);
        } finally {
            t.setContextClassLoader(previous);
            DiscoveredPluginVerification.target(null);
        }
        outcomes.sort(Comparator.comparing((Outcome o) -> Integer.parseInt(o.rule().split("\\.")[0]))
                .thenComparing(o -> Integer.parseInt(o.rule().split("\\.")[1])));
        return outcomes;
    }

    private static void print(PluginInfo info, List<Outcome> outcomes, double secs, PrintStream out) {
        out.printf("Nova TCK: plugin '%s' %s (%s)%n", info.id(), info.version(), info.modality());
        for (Outcome o : outcomes) {
            out.printf("  %-5s %-6s %-7s %s%s%n", o.rule(), o.level(), o.status(), o.name(),
                    o.message().isEmpty() ? "" : "  -- " + o.message());
        }
        long passed = outcomes.stream().filter(o -> o.status().equals("passed")).count();
        long failed = outcomes.stream().filter(o -> o.status().equals("failed")).count();
        long skipped = outcomes.stream().filter(o -> o.status().equals("skipped")).count();
        boolean conformant = outcomes.stream().noneMatch(Outcome::breaksConformance);
        out.printf("  %d rules: %d passed, %d failed, %d skipped in %.1f s: %s%n%n", outcomes.size(), passed, failed,
                skipped, secs, conformant ? "CONFORMANT" : "NOT CONFORMANT");
    }

    private static void writeJson(List<Outcome> outcomes, Path file) {
        StringBuilder b = new StringBuilder("{\n  \"tck\": \"0.1\",\n  \"outcomes\": [\n");
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            b.append("    {\"plugin\": ").append(json(o.plugin())).append(", \"rule\": ").append(json(o.rule()))
                    .append(", \"level\": ").append(json(o.level())).append(", \"name\": ").append(json(o.name()))
                    .append(", \"status\": ").append(json(o.status())).append(", \"message\": ").append(json(o.message()))
                    .append('}').append(i < outcomes.size() - 1 ? ",\n" : "\n");
        }
        b.append("  ],\n  \"conformant\": ").append(outcomes.stream().noneMatch(Outcome::breaksConformance)).append("\n}\n");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }
}

package dev.nova.tck.internal;

import static org.apiguardian.api.API.Status.INTERNAL;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.jr.ob.JSON;
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
@API(status = INTERNAL, since = "0.7", consumers = "dev.nova.host")
public final class Conformance {

    private static final Pattern RULE = Pattern.compile("(required|optional|untested)_spec(\\d+)_(\\d+)_(\\w+)");

    /** The version of the kit, in reports. */
    public static final String VERSION = "0.7";

    private Conformance() {
    }

    /** How binding a rule is. */
    public enum Level {
        /** A rule a conformant plugin keeps. */
        MUST,
        /** A rule a plugin should keep: a warning when it does not. */
        SHOULD
    }

    /** What became of one rule for one plugin; {@link #toString()} is the word in reports. */
    public enum Status {
        /** The rule was exercised and kept. */
        PASSED("passed"),
        /** The rule was exercised and broken. */
        FAILED("failed"),
        /** A SHOULD rule not kept. */
        WARNING("warning"),
        /** The plugin did not declare what the rule needs, or the run could not check it. */
        NOT_EXERCISED("not-exercised"),
        /** The plugin's profile says why the rule cannot be exercised. */
        OPTED_OUT("opted-out"),
        /** The rule does not concern the plugin. */
        NOT_APPLICABLE("not-applicable");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        @Override
        public String toString() {
            return word;
        }
    }

    /**
     * One rule's outcome for one plugin.
     *
     * @param plugin the plugin id
     * @param rule the rule number, for example {@code 4.1}
     * @param level how binding the rule is
     * @param name the rule's test name
     * @param status what became of it
     * @param message the failure message or the reason, empty when passed
     */
    public record Outcome(String plugin, String rule, Level level, String name, Status status, String message) {

        /** Whether this outcome breaks conformance (a failed MUST rule). */
        public boolean breaksConformance() {
            return status == Status.FAILED && level == Level.MUST;
        }

        /** Whether this is a MUST rule the run could not check. */
        public boolean notExercised() {
            return status == Status.NOT_EXERCISED && level == Level.MUST;
        }
    }

    /**
     * The verdict on one plugin: {@code NOT CONFORMANT} when a MUST rule failed; {@code CONFORMANT} only when every
     * MUST rule that applies was exercised and passed, or opted out by the plugin's profile with a reason the report
     * prints; otherwise conformant with the rules not exercised counted ({@code nova tck} exits with its own code).
     *
     * @param outcomes one plugin's outcomes
     * @return the verdict
     */
    public static String verdict(List<Outcome> outcomes) {
        if (outcomes.stream().anyMatch(Outcome::breaksConformance)) {
            return "NOT CONFORMANT";
        }
        long missing = outcomes.stream().filter(Outcome::notExercised).count();
        return missing == 0 ? "CONFORMANT" : "CONFORMANT WITH " + missing + (missing == 1 ? " RULE" : " RULES") + " NOT EXERCISED";
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
        List<Certified> plugins = new ArrayList<>();
        for (GeneratorProvider provider : providers) {
            PluginInfo info = provider.info();
            String started = java.time.Instant.now().toString();
            long start = System.nanoTime();
            Path xml = reportDirectory.resolve(info.id());
            List<Outcome> outcomes = runOne(provider, info, xml);
            double secs = (System.nanoTime() - start) / 1e9;
            Certified c = new Certified(info, jar(provider), started, secs, outcomes);
            print(c, out);
            annotateXml(xml, c);
            plugins.add(c);
            all.addAll(outcomes);
        }
        writeJson(plugins, reportDirectory.resolve("tck-report.json"));
        return all;
    }

    /**
     * Guard the guard: runs every rule against each provider perturbed in each of the ways of
     * {@link Perturbations.Perturbation}, and counts the perturbations the kit notices (a MUST rule fails that the
     * wrapper without a perturbation passes). The
     * providers themselves should be conformant: what the kit misses on a conformant plugin is a defect the plugin
     * could have and still be certified.
     *
     * @param providers the plugins, each conformant
     * @param scratch where the runs' JUnit XML goes (deleted runs are not kept)
     * @param out where each perturbation's result and the figure per plugin go
     * @return per plugin id, the perturbations the kit did not notice
     * @since 1.3
     */
    public static Map<String, List<Perturbations.Perturbation>> sweep(List<GeneratorProvider> providers, Path scratch,
                                                                       PrintStream out) {
        Map<String, List<Perturbations.Perturbation>> missed = new java.util.LinkedHashMap<>();
        for (GeneratorProvider provider : providers) {
            PluginInfo info = provider.info();
            List<Perturbations.Perturbation> notNoticed = new ArrayList<>();
            long start = System.nanoTime();
            // The wrapper itself is not the plugin (its class lives in this module, so 2.1 finds no reference.conf
            // through it): a rule that fails with the wrapper perturbing nothing notices nothing.
            java.util.Set<String> baseline = new java.util.TreeSet<>(runOne(Perturbations.perturb(provider, Perturbations.Perturbation.NONE), info,
                    scratch.resolve(info.id() + "-baseline")).stream().filter(Outcome::breaksConformance)
                    .map(Outcome::rule).toList());
            if (!baseline.isEmpty()) {
                out.printf("  (rules failing without a perturbation, not counted: %s)%n", String.join(", ", baseline));
            }
            for (Perturbations.Perturbation p : Perturbations.Perturbation.values()) {
                if (p == Perturbations.Perturbation.NONE) {
                    continue;
                }
                List<Outcome> outcomes = runOne(Perturbations.perturb(provider, p), info,
                        scratch.resolve(info.id() + "-" + p.name().toLowerCase(java.util.Locale.ROOT)));
                List<String> failed = outcomes.stream().filter(Outcome::breaksConformance).map(Outcome::rule)
                        .filter(r -> !baseline.contains(r)).toList();
                out.printf("  %-30s %s%n", p, failed.isEmpty() ? "MISSED" : "noticed by " + String.join(", ", failed));
                if (failed.isEmpty()) {
                    notNoticed.add(p);
                }
            }
            int n = Perturbations.Perturbation.values().length - 1;
            out.printf("Nova TCK %s: plugin '%s' %s: the kit noticed %d of %d perturbations in %.1f s%n%n", VERSION,
                    info.id(), info.version(), n - notNoticed.size(), n, (System.nanoTime() - start) / 1e9);
            missed.put(info.id(), notNoticed);
        }
        return missed;
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
                    add(id, Status.NOT_EXERCISED, reason);
                }

                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (!id.isTest()) {
                        return;
                    }
                    String message = result.getThrowable().map(Throwable::getMessage).map(String::valueOf).orElse("");
                    String reason = message.replaceFirst("^Assumption failed: ", "");
                    add(id, switch (result.getStatus()) {
                        case SUCCESSFUL -> Status.PASSED;
                        case ABORTED -> reason.startsWith("warning:") ? Status.WARNING
                                : reason.startsWith("not applicable:") ? Status.NOT_APPLICABLE
                                : reason.startsWith("not exercised (opted out") ? Status.OPTED_OUT : Status.NOT_EXERCISED;
                        case FAILED -> Status.FAILED;
                    }, reason);
                }

                private void add(TestIdentifier id, Status status, String message) {
                    Optional<String> method = id.getSource().filter(MethodSource.class::isInstance)
                            .map(s -> ((MethodSource) s).getMethodName());
                    if (method.isEmpty()) {
                        return;
                    }
                    Matcher m = RULE.matcher(method.get());
                    if (m.matches()) {
                        outcomes.add(new Outcome(info.id(), m.group(2) + "." + m.group(3),
                                m.group(1).equals("optional") ? Level.SHOULD : Level.MUST, m.group(4), status,
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

    /** One plugin's certification, for the reports. */
    private record Certified(PluginInfo info, Optional<Path> jar, String started, double seconds, List<Outcome> outcomes) {
        long count(Status status) {
            return outcomes.stream().filter(o -> o.status() == status).count();
        }

        String sha256() {
            if (jar.isEmpty() || !Files.isRegularFile(jar.get())) {
                return "";
            }
            try (var in = Files.newInputStream(jar.get())) {
                java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    d.update(buf, 0, n);
                }
                return java.util.HexFormat.of().formatHex(d.digest());
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                return "";
            }
        }
    }

    /** The jar (or folder) the provider's classes come from. */
    private static Optional<Path> jar(GeneratorProvider provider) {
        try {
            var source = provider.getClass().getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void print(Certified c, PrintStream out) {
        PluginInfo info = c.info();
        out.printf("Nova TCK %s: plugin '%s' %s (%s)%s%n", VERSION, info.id(), info.version(), info.modality(),
                c.jar().map(j -> " from " + j).orElse(""));
        for (Outcome o : c.outcomes()) {
            out.printf("  %-5s %-6s %-14s %s%s%n", o.rule(), o.level(), o.status(), o.name(),
                    o.message().isEmpty() ? "" : "  -- " + o.message());
        }
        out.printf("  %d rules: %d passed, %d failed, %d warnings, %d not exercised, %d opted out, %d not applicable"
                        + " in %.1f s: %s%n", c.outcomes().size(), c.count(Status.PASSED), c.count(Status.FAILED), c.count(Status.WARNING),
                c.count(Status.NOT_EXERCISED), c.count(Status.OPTED_OUT), c.count(Status.NOT_APPLICABLE), c.seconds(),
                verdict(c.outcomes()));
        c.outcomes().stream().filter(Outcome::notExercised).forEach(o ->
                out.printf("  not exercised: %s %s -- %s%n", o.rule(), o.name(), o.message()));
        c.outcomes().stream().filter(o -> o.status() == Status.OPTED_OUT).forEach(o ->
                out.printf("  opted out by the plugin: %s %s -- %s%n", o.rule(), o.name(), o.message()));
        c.outcomes().stream().filter(o -> o.status() == Status.WARNING).forEach(o ->
                out.printf("  warning: %s %s -- %s%n", o.rule(), o.name(), o.message()));
        out.println();
    }

    /** Adds the kit version, the plugin and its jar, and the verdict to each JUnit XML report's properties. */
    private static void annotateXml(Path dir, Certified c) {
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".xml")).toList()) {
                String xml = Files.readString(f, StandardCharsets.UTF_8);
                String props = "<properties>\n" + property("nova.tck.version", VERSION)
                        + property("nova.plugin.id", c.info().id()) + property("nova.plugin.version", c.info().version())
                        + property("nova.plugin.jar", c.jar().map(Path::toString).orElse(""))
                        + property("nova.plugin.sha256", c.sha256()) + property("nova.tck.started", c.started())
                        + property("nova.tck.verdict", verdict(c.outcomes()));
                String updated = xml.replaceFirst("<properties>\\s*", java.util.regex.Matcher.quoteReplacement(props));
                Files.writeString(f, updated, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot annotate the JUnit XML under " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String property(String name, String value) {
        return "<property name=\"" + name + "\" value=\"" + value.replace("&", "&amp;").replace("\"", "&quot;")
                .replace("<", "&lt;") + "\"/>\n";
    }

    /** The report as JSON, through jackson-jr (the JSON library of the host's records and server). */
    private static void writeJson(List<Certified> plugins, Path file) {
        List<Map<String, Object>> certified = new ArrayList<>();
        for (Certified c : plugins) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", c.info().id());
            p.put("version", c.info().version());
            p.put("jar", c.jar().map(Path::toString).orElse(""));
            p.put("sha256", c.sha256());
            p.put("started", c.started());
            p.put("seconds", Math.round(c.seconds() * 10) / 10.0);
            p.put("exercised", c.count(Status.PASSED) + c.count(Status.FAILED) + c.count(Status.WARNING));
            p.put("notExercised", c.count(Status.NOT_EXERCISED));
            p.put("optedOut", c.count(Status.OPTED_OUT));
            p.put("notApplicable", c.count(Status.NOT_APPLICABLE));
            p.put("verdict", verdict(c.outcomes()));
            p.put("conformant", verdict(c.outcomes()).equals("CONFORMANT"));
            List<Map<String, Object>> outcomes = new ArrayList<>();
            for (Outcome o : c.outcomes()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("rule", o.rule());
                r.put("level", o.level().name());
                r.put("name", o.name());
                r.put("status", o.status().toString());
                r.put("message", o.message());
                outcomes.add(r);
            }
            p.put("outcomes", outcomes);
            certified.add(p);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tck", VERSION);
        report.put("plugins", certified);
        report.put("conformant", plugins.stream().allMatch(c -> verdict(c.outcomes()).equals("CONFORMANT")));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(report) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

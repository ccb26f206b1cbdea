package dev.nova.host.internal.cli;

import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.support.TemporaryPaths;
import dev.nova.host.internal.support.UsageException;
import dev.nova.tck.internal.Conformance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nova tck}: runs the conformance kit (module {@code dev.nova.tck}, through its entry for the host) against installed
 * plugins and prints its report.
 */
@Command(name = "tck", mixinStandardHelpOptions = true, description = "Run the compatibility kit (tck/SPEC.md) against"
        + " the plugins of --plugin-path (or, without it, the built-in ones); prints a conformance report and writes"
        + " it as JSON and JUnit XML. Exit code 1 when a MUST rule fails, 3 when none failed but some were not exercised"
        + " (their facts are missing from the plugin's conformance profile).")
final class TckCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--plugin", paramLabel = "ID", description = "Certify only this plugin (repeatable; default: those"
            + " loaded from --plugin-path, or every built-in one without it).")
    List<String> plugins = new ArrayList<>();

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "tck-report",
            description = "Where to write tck-report.json and JUnit XML (default ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--allow-not-exercised", description = "Exit with 0 rather than 3 when MUST rules were not exercised"
            + " (for an author who knows why; better: declare the facts, or opt a rule out in the profile with a reason).")
    boolean allowNotExercised;

    @Option(names = "--perturb", description = "Guard the guard: run the kit against each plugin perturbed in 13 small"
            + " ways (a flipped metric sign, a dropped sample, a changed payload byte, ...) and print how many it"
            + " notices; for plugins that are conformant.")
    boolean perturb;

    @Mixin
    NovaCommand.PluginPath pluginPath;

    @CommandLine.ParentCommand
    NovaCommand nova;

    @Override
    public Integer call() {
        PluginCatalog catalog = nova.component(Invocation.list(pluginPath.get())).catalog();
        nova.warnRefused(catalog);
        List<dev.nova.api.GeneratorProvider> providers = new ArrayList<>();
        if (plugins.isEmpty() && pluginPath.get().isPresent()) {
            // The plugins of that folder only: the built-in ones are certified by Nova's own build.
            catalog.loaded().values().stream().map(e -> e.provider().orElseThrow())
                    .filter(p -> p.getClass().getModule().getLayer() != PluginDiscovery.hostLayer())
                    .forEach(providers::add);
        } else if (plugins.isEmpty()) {
            catalog.loaded().values().forEach(e -> providers.add(e.provider().orElseThrow()));
        } else {
            plugins.forEach(id -> providers.add(catalog.require(id)));
        }
        if (providers.isEmpty()) {
            throw new UsageException(pluginPath.get().isPresent()
                    ? "no plugin loaded from " + pluginPath.get().get() + " to certify (see 'nova plugins --plugin-path "
                            + pluginPath.get().get() + "')"
                    : "no plugins to certify; add plugin jars with --plugin-path DIR");
        }
        // The kit is optional for the host (an embedding application does not get it); the launcher resolves it.
        Module host = TckCommand.class.getModule();
        if (host.isNamed() && PluginDiscovery.hostLayer().findModule("dev.nova.tck").filter(host::canRead).isEmpty()) {
            throw new IllegalStateException(
                    "the conformance kit (module dev.nova.tck) is not on the module path of this installation");
        }
        // The reports are written to a staging folder beside --report and moved into it only when complete: an
        // interrupted run leaves the earlier report whole (never its JSON beside new XML) and no staging folder.
        Path target = report.toAbsolutePath().normalize();
        Path staging = TemporaryPaths.track(target.resolveSibling("." + target.getFileName() + ".partial-"
                + ProcessHandle.current().pid()));
        try {
            if (perturb) {
                Conformance.sweep(providers, staging, nova.terminal.out());
                publish(staging, target);
                return Cli.OK;
            }
            List<Conformance.Outcome> outcomes = Conformance.run(providers, staging, nova.terminal.out());
            publish(staging, target);
            nova.terminal.out().println("reports: " + report.resolve("tck-report.json") + " and JUnit XML under "
                    + report);
            return verdict(outcomes);
        } finally {
            TemporaryPaths.delete(staging);
        }
    }

    /** Moves each file and folder of a complete report into the report folder, replacing what it replaces. */
    private static void publish(Path staging, Path target) {
        try {
            Files.createDirectories(target);
            List<Path> entries;
            try (Stream<Path> s = Files.list(staging)) {
                // folders (JUnit XML per plugin) first, the JSON summary last
                entries = s.sorted(Comparator.comparing((Path p) -> !Files.isDirectory(p))
                        .thenComparing(Path::getFileName)).toList();
            }
            for (Path p : entries) {
                Path to = target.resolve(p.getFileName().toString());
                if (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
                    TemporaryPaths.delete(to);
                }
                Files.move(p, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TCK reports to " + target + ": " + e.getMessage(), e);
        }
    }

    private int verdict(List<Conformance.Outcome> outcomes) {
        if (outcomes.stream().anyMatch(Conformance.Outcome::breaksConformance)) {
            return Cli.FAILURE;
        }
        return outcomes.stream().anyMatch(Conformance.Outcome::notExercised) && !allowNotExercised ? Cli.NOT_EXERCISED
                : Cli.OK;
    }
}

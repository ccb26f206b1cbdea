package dev.nova.host.internal.cli;

import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.support.UsageException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nova tck}: runs the conformance kit (module {@code dev.nova.tck}, called reflectively) against installed
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
    public Integer call() throws ReflectiveOperationException {
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
        // The kit and the JUnit Platform sit on the module path but are not read by the host's module
        // graph (a static requires would put JUnit on every host test's module path); call it reflectively.
        Module tck = PluginDiscovery.hostLayer().findModule("dev.nova.tck").orElseThrow(() -> new IllegalStateException(
                "the conformance kit (module dev.nova.tck) is not on the module path of this installation"));
        Class<?> conformance = Class.forName(tck, "dev.nova.tck.Conformance");
        if (perturb) {
            java.lang.reflect.Method sweep = conformance.getMethod("sweep", List.class, Path.class, PrintStream.class);
            try {
                sweep.invoke(null, providers, report, nova.terminal.out());
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            return Cli.OK;
        }
        java.lang.reflect.Method run = conformance.getMethod("run", List.class, Path.class, PrintStream.class);
        List<?> outcomes;
        try {
            outcomes = (List<?>) run.invoke(null, providers, report, nova.terminal.out());
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        boolean notExercised = false;
        for (Object o : outcomes) {
            if ((Boolean) o.getClass().getMethod("breaksConformance").invoke(o)) {
                return Cli.FAILURE;
            }
            notExercised |= (Boolean) o.getClass().getMethod("notExercised").invoke(o);
        }
        return notExercised && !allowNotExercised ? Cli.NOT_EXERCISED : Cli.OK;
    }
}

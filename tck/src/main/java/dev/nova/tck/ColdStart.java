package dev.nova.tck;

import dev.nova.api.GeneratorProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Rule 1.5 measured as a host meets a plugin: its provider constructed in a JVM of its own on the same module path,
 * so that every class initialiser the constructor and {@code info()} reach runs cold, as when {@code nova plugins}
 * lists a folder of jars. In the JVM the kit runs in, those classes are already initialised by the rules before, and
 * a provider that starts a native backend in a static initialiser looked cheap. (A second module layer in the same
 * JVM cannot load the application again: its automatic modules would read both copies of their dependencies.)
 */
final class ColdStart {

    /** Printed by the child JVM before the milliseconds it measured. */
    private static final String MARK = "nova-tck-cold-start-ms=";

    /**
     * What constructing the provider cold cost.
     *
     * @param millis construction and {@code info()}, wall-clock milliseconds
     * @param cpuMillis the same, in CPU milliseconds of the constructing thread: what the rule's limit applies to, as
     *     it does not grow when other processes take the machine (wall time did: 270-1490 ms for correct plugins on a
     *     busy 2-core machine, and the rule warned on every one of them)
     * @param failure what went wrong instead, if the provider could not be constructed in a JVM of its own
     */
    record Result(long millis, long cpuMillis, Optional<String> failure) {
    }

    private ColdStart() {
    }

    /**
     * Constructs the provider's class in a JVM of its own and calls {@code info()}, timing both there.
     *
     * @param provider a provider of the plugin under test
     * @param scratch a folder for the child's argument file
     * @return the cost, or empty when the provider is not in a named module with a location on disk (a class-path
     *     plugin): then only the warm measure applies
     */
    static Optional<Result> measure(GeneratorProvider provider, Path scratch) {
        Module module = ConfigurationVariant.unwrap(provider).getClass().getModule();
        Module tck = ColdStart.class.getModule();
        if (!module.isNamed() || module.getLayer() == null || !tck.isNamed() || tck.getLayer() == null) {
            return Optional.empty();
        }
        Optional<List<String>> jvm = jvm(provider, ColdStart.class);
        if (jvm.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path args = Files.createTempFile(scratch, "cold-start", ".args");
            List<String> lines = new ArrayList<>();
            lines.add("-Xshare:auto");
            lines.addAll(jvm.get());
            lines.add(ConfigurationVariant.unwrap(provider).getClass().getName());
            Files.write(args, lines, StandardCharsets.UTF_8);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(java.toString(), "@" + args).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(1 << 16);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(new Result(60_000, 0, Optional.of("it did not return within 60 s")));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            int at = text.lastIndexOf(MARK);
            if (p.exitValue() == 0 && at >= 0) {
                String[] figures = text.substring(at + MARK.length()).strip().split(" ");
                return Optional.of(new Result(Long.parseLong(figures[0]), Long.parseLong(figures[1]),
                        Optional.empty()));
            }
            return Optional.of(new Result(0, 0, Optional.of(text.strip().lines().reduce((a, b) -> b).orElse("exit "
                    + p.exitValue()))));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The arguments (for a {@code java @file}) that run {@code main}, a class of this kit, in a JVM of its own that can
     * load the provider's class: the module path of the provider's layer and the kit's, the provider's module added (and
     * patched with the classes' own location when they were patched into it, as a build's test classes are); or, where
     * both are on the class path, that class path.
     *
     * @param provider a provider of the plugin under test
     * @param main the class to run
     * @return the arguments, the provider's class name not included; empty when the provider's module has no
     *     location on disk
     */
    static Optional<List<String>> jvm(GeneratorProvider provider, Class<?> main) {
        Class<?> type = ConfigurationVariant.unwrap(provider).getClass();
        Module module = type.getModule();
        Module tck = ColdStart.class.getModule();
        List<String> lines = new ArrayList<>();
        if (!module.isNamed() && !tck.isNamed()) {
            return onClassPath(lines, main);
        }
        if (!module.isNamed() || module.getLayer() == null || tck.isNamed() && tck.getLayer() == null) {
            return Optional.empty();
        }
        Set<Path> path = new LinkedHashSet<>();
        Optional<Path> home = location(module.getLayer().configuration(), module.getName());
        if (home.isEmpty()) {
            return Optional.empty();
        }
        path.add(home.get());
        collect(module.getLayer().configuration(), path);
        if (tck.isNamed()) {
            collect(tck.getLayer().configuration(), path);
        }
        lines.add("--module-path");
        lines.add(quote(String.join(java.io.File.pathSeparator, path.stream().map(Path::toString).toList())));
        lines.add("--add-modules");
        lines.add(module.getName());
        if (!tck.isNamed()) {
            // A plugin's build: its module on the module path, the kit and the tests on the class path.
            return onClassPath(lines, main);
        }
        Optional<Path> source = codeSource(type);
        if (source.isPresent() && !source.get().equals(home.get())) {
            lines.add("--patch-module");
            lines.add(quote(module.getName() + "=" + source.get()));
        }
        lines.add("-m");
        lines.add(tck.getName() + "/" + main.getName());
        return Optional.of(lines);
    }

    /** {@code lines} followed by this JVM's class path and {@code main}; empty when there is no class path. */
    private static Optional<List<String>> onClassPath(List<String> lines, Class<?> main) {
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.isEmpty()) {
            return Optional.empty();
        }
        lines.add("-cp");
        lines.add(quote(classPath));
        lines.add(main.getName());
        return Optional.of(lines);
    }

    /** Where a class was loaded from, when it is a file or folder on disk. */
    private static Optional<Path> codeSource(Class<?> type) {
        try {
            java.security.CodeSource cs = type.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? Optional.empty()
                    : Optional.of(Path.of(cs.getLocation().toURI())).filter(Files::exists);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The named provider, as a host finds it (the service loader) or, for a provider that is not a service of its
     * module (a build's test class), by its public no-argument constructor.
     *
     * @param name the provider's class name
     * @return the provider
     * @throws ReflectiveOperationException if it is neither
     */
    static GeneratorProvider provider(String name) throws ReflectiveOperationException {
        for (ServiceLoader.Provider<GeneratorProvider> p : ServiceLoader.load(GeneratorProvider.class).stream().toList()) {
            if (p.type().getName().equals(name)) {
                return p.get();
            }
        }
        return (GeneratorProvider) Class.forName(name).getConstructor().newInstance();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Optional<Path> location(Configuration cf, String name) {
        return cf.findModule(name).flatMap(m -> m.reference().location()).filter(u -> "file".equals(u.getScheme()))
                .map(Path::of).filter(Files::exists);
    }

    /** The file locations of every module of a configuration and its parents, the JDK's left out. */
    private static void collect(Configuration cf, Set<Path> into) {
        for (ResolvedModule m : cf.modules()) {
            m.reference().location().filter(u -> "file".equals(u.getScheme())).map(URI::getPath).map(Path::of)
                    .filter(Files::exists).ifPresent(into::add);
        }
        for (Configuration parent : cf.parents()) {
            collect(parent, into);
        }
    }

    /**
     * The child JVM: constructs the named provider through the service loader, as a host does, calls
     * {@code info()} and prints the milliseconds both took, wall-clock and of the thread's CPU.
     *
     * @param args the provider's class name
     * @throws Exception if it cannot be found or constructed (the parent reports it)
     */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        long cpu = cpuNanos();
        for (ServiceLoader.Provider<GeneratorProvider> p : ServiceLoader.load(GeneratorProvider.class).stream().toList()) {
            if (p.type().getName().equals(args[0])) {
                p.get().info();
                System.out.println(MARK + (System.nanoTime() - start) / 1_000_000 + " " + (cpuNanos() - cpu) / 1_000_000);
                return;
            }
        }
        System.out.println("provider " + args[0] + " is not among the module path's GeneratorProvider services");
        System.exit(3);
    }

    /**
     * The current thread's CPU time, in nanoseconds (wall-clock time where the JVM cannot measure it).
     *
     * @return the time
     */
    static long cpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }
}

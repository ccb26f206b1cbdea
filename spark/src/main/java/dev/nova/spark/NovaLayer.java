package dev.nova.spark;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Nova distribution's modules (host, API, the shared DL4J runtime, the first-party plugins) in a module layer of
 * their own, beside Spark's class path: the same module graph the {@code nova} launcher runs on, so plugins are
 * found through their {@code provides} clauses (invisible on a class path) and DL4J's jackson and slf4j never meet
 * Spark's. One layer per JVM, so one ND4J runtime per JVM: the driver's and, in local mode, the executors'.
 *
 * <p>Everything crosses the boundary in JDK types, through the host's {@code dev.nova.host.cluster.Cluster}.
 */
final class NovaLayer {

    private static volatile NovaLayer instance;

    private final Path home;
    private final ClassLoader loader;
    private final Method run;
    private final Method gradientSum;

    private NovaLayer(Path home) {
        this.home = home;
        Path lib = home.resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("no Nova distribution at " + home + " (expected its lib folder " + lib
                    + "); build it with 'mvn -DskipTests package' and give its folder (dist/target/nova) as"
                    + " spark.nova.home, or ship it with --archives nova.tgz#nova");
        }
        ModuleFinder finder = ModuleFinder.of(lib);
        Set<String> roots = finder.findAll().stream().map(ModuleReference::descriptor).map(d -> d.name())
                .collect(Collectors.toSet());
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        // The platform loader as parent: nothing of Spark's class path is visible to Nova's modules.
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        loader = layer.findLoader("dev.nova.host");
        try {
            Class<?> cluster = loader.loadClass("dev.nova.host.cluster.Cluster");
            run = cluster.getMethod("run", String[].class, Function.class);
            gradientSum = cluster.getMethod("gradientSum", Map.class, long.class, float[].class, int.class, int.class,
                    float[].class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Nova distribution at " + home + " has no cluster entry points"
                    + " (dev.nova.host.cluster.Cluster); it is older than this nova-spark", e);
        }
    }

    /**
     * The JVM's layer, built on first use from the distribution at {@code home}.
     *
     * @param home the distribution folder (holding {@code lib})
     * @return the layer
     */
    static NovaLayer of(Path home) {
        NovaLayer l = instance;
        if (l == null) {
            synchronized (NovaLayer.class) {
                l = instance;
                if (l == null) {
                    l = new NovaLayer(home.toAbsolutePath().normalize());
                    instance = l;
                }
            }
        }
        return l;
    }

    /** The distribution folder the layer was built from. */
    Path home() {
        return home;
    }

    /** {@code Cluster.run}: the command line with an engine. */
    int run(String[] args, Function<Map<String, Object>, Function<Map<String, Object>, Map<String, Object>>> engine) {
        return (Integer) invoke(run, args, engine);
    }

    /** {@code Cluster.gradientSum}: one slice on this JVM's replica. */
    @SuppressWarnings("unchecked")
    Map<String, Object> gradientSum(Map<String, Object> setup, long step, float[] parameters, int from, int to, float[] sum) {
        return (Map<String, Object>) invoke(gradientSum, setup, step, parameters, from, to, sum);
    }

    /**
     * Calls into the layer with its loader as the thread's context class loader: ND4J finds its backend through
     * it (on an executor's task thread it is Spark's, and ND4J found no backend).
     */
    private Object invoke(Method m, Object... args) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}

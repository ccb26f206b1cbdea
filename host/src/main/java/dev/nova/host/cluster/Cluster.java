package dev.nova.host.cluster;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.DataParallel;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.host.cluster.protocol.ClusterSetup;
import dev.nova.host.internal.cli.Cli;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import dev.nova.host.internal.run.ClusterEngine;
import dev.nova.host.internal.support.Terminal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * The two entry points of a cluster launcher (nova-spark), in JDK types only: the launcher lives on Spark's class
 * path, outside the module layer that holds the host, the API, the runtime and the plugins, and calls these
 * reflectively.
 *
 * <ul>
 *   <li>On the driver, {@link #run} runs the {@code nova} command line with a data-parallel engine installed, so
 *       that {@code train ... --cluster-shards N} and {@code resume ... --cluster-shards N} train through it; the
 *       run directory, progress, metrics, checkpoints and samples are a local run's.</li>
 *   <li>On every executor, {@link #gradientSum} computes one slice of one step on a replica of the model, kept for
 *       the next step (replicas hold no state a step depends on: the TCK's rule 9.2).</li>
 * </ul>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Cluster {

    // Per-JVM caches, and so static: Spark calls gradientSum statically, once per task, and a replica (a model with
    // its native memory) or a plugin catalog (module layers) is far too costly to build for every task.
    private static final Map<String, ConcurrentLinkedDeque<Replica>> REPLICAS = new ConcurrentHashMap<>();
    private static final Map<String, PluginCatalog> CATALOGS = new ConcurrentHashMap<>();

    private Cluster() {
    }

    /**
     * Runs the command line with a data-parallel engine: it is given a {@link ClusterSetup}'s map and returns a function
     * from a {@link dev.nova.host.cluster.protocol.StepRequest}'s map to a
     * {@link dev.nova.host.cluster.protocol.StepReply}'s.
     *
     * @param args the command line, as {@code nova} takes it
     * @param engine setup → (request → reply)
     * @return the exit code
     */
    public static int run(String[] args,
                          Function<Map<String, Object>, Function<Map<String, Object>, Map<String, Object>>> engine) {
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        return Cli.run(Terminal.system(), Optional.of(new ClusterEngine(engine)), args);
    }

    /**
     * Adds the gradient of items {@code [from, to)} of step {@code step} at {@code parameters} to {@code sum}, on a
     * replica of the model the setup describes (created on first use in this JVM, then reused; one per concurrent
     * task).
     *
     * @param setup what the driver's engine was given: a {@link ClusterSetup}'s map, and any keys the launcher added
     * @param step the step
     * @param parameters the model's parameters at that step
     * @param from the first item of the slice
     * @param to the item after the last
     * @param sum receives the slice's gradient sum
     * @return the slice's additive statistics (a plain {@link HashMap})
     */
    public static Map<String, Object> gradientSum(Map<String, Object> setup, long step, float[] parameters, int from, int to,
                                                  float[] sum) {
        ClusterSetup s = ClusterSetup.of(setup);
        ConcurrentLinkedDeque<Replica> pool = REPLICAS.computeIfAbsent(s.key(), k -> new ConcurrentLinkedDeque<>());
        Replica r = pool.poll();
        if (r == null) {
            r = Replica.create(s);
        }
        try {
            r.parallel.writeParameters(parameters);
            return new HashMap<>(r.parallel.gradientSum(step, from, to, sum));
        } finally {
            pool.push(r);
        }
    }

    /** A model kept on an executor, with its work folder. */
    private record Replica(GenerativeModel model, DataParallel parallel, Path work) {

        static Replica create(ClusterSetup setup) {
            String id = setup.plugin();
            String folder = setup.pluginPath();
            PluginCatalog catalog = CATALOGS.computeIfAbsent(folder, f -> new PluginDiscovery()
                    .discover(f.isEmpty() ? Optional.empty() : Optional.of(Path.of(f))));
            GeneratorProvider provider = catalog.find(id).flatMap(e -> e.provider()).orElseThrow(() -> new PluginException(id,
                    "plugin '" + id + "' is not installed on this executor" + (folder.isEmpty() ? "" : " (plugin folder "
                            + folder + "; plugin folders must be at the same path on every machine)")));
            Config config = ConfigFactory.parseString(setup.config());
            Path work;
            try {
                work = Files.createTempDirectory("nova-replica-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a work folder for a replica: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(work)));
            ModelContext context = ModelContext.of(setup.seed(), work, Path.of(setup.baseDirectory()));
            GenerativeModel model = provider.create(config, context);
            DataParallel parallel = model.dataParallel().orElseThrow(() -> new PluginException(id,
                    "plugin '" + id + "' offers no data-parallel training on this executor"));
            return new Replica(model, parallel, work);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort at exit
        }
    }
}

package dev.nova.spark;

import java.io.File;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code nova} on a Spark cluster: {@code spark-submit --class dev.nova.spark.NovaSpark nova-spark.jar train RUN_FILE
 * --cluster-shards N} (or {@code resume RUN_DIR --cluster-shards N}; any other {@code nova} command runs as it does
 * locally).
 *
 * <p>Synchronous data parallelism on plain Spark: each step the driver broadcasts the model's parameters, N tasks
 * each sum the gradient over one slice of the step's global batch on a replica of the model, {@code treeReduce}
 * adds the sums, and the driver's model applies its own optimiser (schedule, clipping, Adam/AdamW) to the mean. The
 * driver keeps the real model, so evaluation, samples, checkpoints and resume are those of a local run; executors
 * keep only replicas that a step does not depend on, so Spark's task retries and speculation are safe.
 *
 * <p>Where Nova comes from: {@code spark.nova.home} (a distribution folder, {@code dist/target/nova}, present at that
 * path on the machine), else the folder {@code nova} that {@code --archives nova.tgz#nova} unpacks next to each JVM.
 */
public final class NovaSpark {

    private NovaSpark() {
    }

    /**
     * Runs a {@code nova} command with the cluster as its data-parallel engine.
     *
     * @param args {@code nova}'s command line
     */
    public static void main(String[] args) {
        int code;
        try {
            code = run(args, null);
        } catch (RuntimeException | Error e) {
            System.err.println("nova-spark: error: " + oneLine(e));
            code = 1;
        }
        System.exit(code);
    }

    /**
     * Runs a command; the caller owns the JVM.
     *
     * @param args {@code nova}'s command line
     * @param given a Spark context to use (tests), or {@code null} to start one from spark-submit's configuration
     * @return the exit code
     */
    public static int run(String[] args, JavaSparkContext given) {
        SparkConf conf = given != null ? given.getConf() : new SparkConf();
        if (given == null && !conf.contains("spark.master")) {
            System.err.println("nova-spark: error: no Spark master; start it with spark-submit --master URL (or set"
                    + " spark.master), see docs/spark.md");
            return 2;
        }
        if (given == null && !conf.contains("spark.executorEnv.OMP_NUM_THREADS")) {
            // One ND4J runtime per executor JVM, with as many OpenMP threads as the executor has cores.
            conf.setExecutorEnv("OMP_NUM_THREADS", conf.get("spark.executor.cores", "1"));
        }
        if (given == null && !conf.contains("spark.executorEnv.OMP_WAIT_POLICY")) {
            conf.setExecutorEnv("OMP_WAIT_POLICY", "PASSIVE");
        }
        // A step's results are gradient sums as large as the model (1 MB for text-gru's parity config): above
        // Spark's 1 MiB default they take a second round trip through the block manager. Defaults only.
        conf.setIfMissing("spark.task.maxDirectResultSize", "512m");
        conf.setIfMissing("spark.driver.maxResultSize", "4g");
        Path home = driverHome(conf);
        NovaLayer layer = NovaLayer.of(home);
        JavaSparkContext jsc = given != null ? given : new JavaSparkContext(conf.setAppName(conf.get("spark.app.name",
                "nova " + String.join(" ", args))));
        if (given == null) {
            // Nova's progress lines are the output; Spark's INFO log (thousands of lines a run) drowned them.
            jsc.setLogLevel(conf.get("spark.nova.log-level", "WARN"));
        }
        try {
            return layer.run(args, setup -> engine(jsc, layer.home().toString(), setup));
        } finally {
            if (given == null) {
                jsc.stop();
            }
        }
    }

    private static Path driverHome(SparkConf conf) {
        String configured = conf.get("spark.nova.home", System.getProperty("nova.home", System.getenv("NOVA_HOME")));
        if (configured != null) {
            return Path.of(configured);
        }
        Path archive = Path.of("nova");
        if (Files.isDirectory(archive.resolve("lib"))) {
            return archive;
        }
        throw new IllegalStateException("where is Nova? set spark.nova.home to a Nova distribution folder"
                + " (dist/target/nova), or ship one with --archives nova.tgz#nova");
    }

    /** The data-parallel engine for one training run: step request → summed gradient and statistics. */
    private static Function<Map<String, Object>, Map<String, Object>> engine(JavaSparkContext jsc, String driverHome,
                                                                            Map<String, Object> setup) {
        HashMap<String, Object> fixed = new HashMap<>(setup);
        fixed.put("nova-home", driverHome);
        int shards = ((Number) setup.get("shards")).intValue();
        long inlineLimit = jsc.getConf().getSizeAsBytes("spark.nova.inline-parameters", "64m");
        return request -> {
            long step = ((Number) request.get("step")).longValue();
            int batch = ((Number) request.get("batch")).intValue();
            float[] parameters = (float[]) request.get("parameters");
            int[] cuts = Slice.cuts(batch, shards);
            List<int[]> slices = new ArrayList<>();
            for (int i = 0; i + 1 < cuts.length; i++) {
                slices.add(new int[] {cuts[i], cuts[i + 1]});
            }
            // The host calls from its own module layer; Spark finds its codecs and serializers through the
            // thread's context class loader, which must be Spark's.
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(NovaSpark.class.getClassLoader());
            Broadcast<float[]> shared = null;
            try {
                // Up to spark.nova.inline-parameters in all (64 MB), the tasks carry the parameters themselves:
                // a broadcast costs each executor a round trip to fetch its blocks, worth it only for large models
                // on many executors (measured on text-gru's parity config, 2 executors: see docs/spark.md).
                boolean inline = 4L * parameters.length * slices.size() <= inlineLimit;
                shared = inline ? null : jsc.broadcast(parameters);
                Slice total = jsc.parallelize(slices, slices.size())
                        .map(new Task(fixed, step, shared, inline ? parameters : null))
                        .treeReduce(Slice::add);
                Map<String, Object> reply = new HashMap<>();
                reply.put("gradient", total.gradient);
                reply.put("statistics", total.statistics);
                return reply;
            } catch (RuntimeException e) {
                throw new IllegalStateException(oneLine(e), e);
            } finally {
                if (shared != null) {
                    shared.destroy();
                }
                thread.setContextClassLoader(previous);
            }
        };
    }

    /** One slice of one step, on an executor. */
    private static final class Task implements org.apache.spark.api.java.function.Function<int[], Slice>, Serializable {
        private static final long serialVersionUID = 1L;
        private final HashMap<String, Object> setup;
        private final long step;
        private final Broadcast<float[]> shared;
        private final float[] parameters;

        Task(HashMap<String, Object> setup, long step, Broadcast<float[]> shared, float[] parameters) {
            this.setup = setup;
            this.step = step;
            this.shared = shared;
            this.parameters = parameters;
        }

        @Override
        public Slice call(int[] slice) {
            float[] p = parameters != null ? parameters : shared.value();
            float[] sum = new float[p.length];
            Map<String, Object> stats = NovaLayer.of(executorHome(setup)).gradientSum(setup, step, p, slice[0], slice[1], sum);
            return new Slice(sum, stats);
        }
    }

    /** The distribution on an executor: the archive Spark unpacked (--archives nova.tgz#nova), else the driver's path. */
    private static Path executorHome(Map<String, Object> setup) {
        for (Path candidate : List.of(Path.of("nova"), rootOrCwd().resolve("nova"))) {
            if (Files.isDirectory(candidate.resolve("lib"))) {
                return candidate;
            }
        }
        return Path.of((String) setup.get("nova-home"));
    }

    private static Path rootOrCwd() {
        try {
            return Path.of(SparkFiles.getRootDirectory());
        } catch (RuntimeException e) {
            return Path.of(new File(".").getAbsolutePath());
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ");
    }
}

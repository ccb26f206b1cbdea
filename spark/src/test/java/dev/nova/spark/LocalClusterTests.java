package dev.nova.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nova-spark on Spark's {@code local[2]} master: the Nova distribution in its own module layer beside Spark's class
 * path, two executor threads computing slices, and the run compared step by step with the same run trained in one
 * process (in the same JVM, so both use the same ND4J build and CPU kernels).
 */
class LocalClusterTests {

    private static final Pattern STEP = Pattern.compile("^\\{\"step\":(\\d+),\"loss\":([-0-9.Ee]+)");
    private static final Pattern EVAL = Pattern.compile("^\\{\"step\":(\\d+),\"eval\":\\{\"loss\":([-0-9.Ee]+)");

    private static JavaSparkContext spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("nova-spark tests")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static NovaLayer nova() {
        return NovaLayer.of(Path.of(System.getProperty("nova.home")));
    }

    /** Step losses, then evaluation losses, of a run's metrics file. */
    private static List<List<Double>> losses(Path run) throws IOException {
        List<Double> steps = new ArrayList<>();
        List<Double> evals = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            Matcher m = STEP.matcher(line);
            if (m.find()) {
                steps.add(Double.parseDouble(m.group(2)));
            }
            Matcher e = EVAL.matcher(line);
            if (e.find()) {
                evals.add(Double.parseDouble(e.group(2)));
            }
        }
        return List.of(steps, evals);
    }

    private static void assertClose(List<Double> expected, List<Double> actual, double tolerance, String what) {
        assertEquals(expected.size(), actual.size(), what + ": " + actual + " vs " + expected);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(Math.abs(expected.get(i) - actual.get(i)) <= tolerance * Math.abs(expected.get(i)),
                    what + " " + (i + 1) + ": cluster " + actual.get(i) + ", one process " + expected.get(i));
        }
    }

    private void trainBothWays(String runFile, int steps) throws IOException {
        Path conf = dir.resolve("run.conf");
        Files.writeString(conf, runFile);
        Path local = dir.resolve("local");
        Path cluster = dir.resolve("cluster");
        assertEquals(0, nova().run(new String[] {"train", conf.toString(), "--run-dir", local.toString()}, null));
        assertEquals(0, NovaSpark.run(new String[] {"train", conf.toString(), "--run-dir", cluster.toString(),
                "--cluster-shards", "3"}, spark));
        List<List<Double>> one = losses(local);
        List<List<Double>> many = losses(cluster);
        assertEquals(steps, one.get(0).size());
        assertClose(one.get(0), many.get(0), 1e-4, "step loss");
        assertClose(one.get(1), many.get(1), 1e-4, "held-out loss");
        assertTrue(Files.isRegularFile(cluster.resolve("checkpoints/latest.ckpt")), "the cluster run wrote its checkpoint");

        // Resume on the cluster continues the run as a local resume does.
        assertEquals(0, nova().run(new String[] {"resume", local.toString(), "--steps", Integer.toString(steps + 2)}, null));
        assertEquals(0, NovaSpark.run(new String[] {"resume", cluster.toString(), "--steps", Integer.toString(steps + 2),
                "--cluster-shards", "2"}, spark));
        assertClose(losses(local).get(0), losses(cluster).get(0), 1e-4, "step loss after resume");
    }

    @Test
    void textGruOnTheClusterTrainsAsInOneProcess() throws IOException {
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(40));
        trainBothWays("""
                nova { plugin = text-gru, seed = 7, train { steps = 6, eval-every = 3, log-every = 1, samples = 0 } }
                plugins.text-gru {
                  data { path = corpus.txt, holdout = 0.2 }
                  model { embedding = 8, hidden = 32, layers = 2, dropout = 0.2 }
                  train { sequence-length = 16, batch = 8, learning-rate = 0.01 }
                  eval.batches = 2
                }
                """, 6);
    }

    @Test
    void vaeOnTheClusterTrainsAsInOneProcess() throws IOException {
        trainBothWays("""
                nova { plugin = vae, seed = 7, train { steps = 6, eval-every = 3, log-every = 1, samples = 0 } }
                plugins.vae {
                  data { path = "builtin:shapes", image-size = 12, holdout = 0.2, limit = 300 }
                  model { encoder = [32], latent = 4 }
                  train { batch = 32, learning-rate = 3e-3 }
                  eval { images = 100 }
                }
                """, 6);
    }

    @Test
    void aModelWithoutTheCapabilityIsRefusedInOneLine() throws IOException {
        Path conf = dir.resolve("run.conf");
        Files.writeString(conf, """
                nova { plugin = image-gru, train { steps = 2, samples = 0 } }
                plugins.image-gru {
                  data { path = "builtin:shapes", image-size = 8, holdout = 0.2, limit = 100 }
                  model { latent = 2, hidden = 8, encoder = [8] }
                  train { batch = 8, free-bits = 0.5 }
                }
                """);
        assertEquals(2, NovaSpark.run(new String[] {"train", conf.toString(), "--run-dir", dir.resolve("r").toString(),
                "--cluster-shards", "2"}, spark));
        assertTrue(Files.notExists(dir.resolve("r")) || isEmpty(dir.resolve("r")), "no run folder is left");
    }

    /** Divergence on the cluster is what it is in one process: exit 1, and no diverged model kept. */
    @Test
    void aDivergedRunOnTheClusterExitsOneAndKeepsNoDivergedModel() throws IOException {
        Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(40));
        Path conf = dir.resolve("run.conf");
        Files.writeString(conf, """
                nova { plugin = text-gru, seed = 7, train { steps = 6, eval-every = 3, log-every = 1, samples = 0 } }
                plugins.text-gru {
                  data { path = corpus.txt, holdout = 0.2 }
                  model { embedding = 8, hidden = 32, layers = 1 }
                  train { sequence-length = 16, batch = 8, learning-rate = 1000 }
                  eval.batches = 2
                }
                """);
        Path run = dir.resolve("diverged");
        assertEquals(1, NovaSpark.run(new String[] {"train", conf.toString(), "--run-dir", run.toString(),
                "--cluster-shards", "2"}, spark));
        assertTrue(Files.notExists(run.resolve("checkpoints/latest.ckpt")), "no checkpoint of a diverged model");
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }
}

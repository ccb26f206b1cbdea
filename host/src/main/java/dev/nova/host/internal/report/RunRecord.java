package dev.nova.host.internal.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.store.Lineage;
import dev.nova.host.internal.store.MetricsLog;
import dev.nova.host.internal.store.ProgressRecord;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a run folder holds, read for a report: progress and evaluation records ({@code metrics.jsonl}), the effective
 * configuration, the samples of each evaluation, and the latest checkpoint's manifest (verified).
 *
 * @param name the folder's name
 * @param dir the folder
 * @param config the effective configuration as written, with origins
 * @param progress each training record whose loss is finite
 * @param evaluations each evaluation's metrics, by step
 * @param samples each evaluation's sample files, by step
 * @param manifest the latest checkpoint's manifest, or empty when the run has none
 * @param lineage the run's ancestors, nearest first
 * @param extractor the reference feature extractor its image metrics were measured with, or empty
 */
record RunRecord(String name, Path dir, String config, List<ProgressRecord.Training> progress,
                 SortedMap<Long, Map<String, Double>> evaluations, SortedMap<Long, Path> samples,
                 SortedMap<String, String> manifest, List<String> lineage, String extractor) {

    /**
     * Reads a run folder.
     *
     * @param dir the folder
     * @return what it holds
     * @throws UsageException naming the folder when it is not a run's, or a record that is not JSON
     */
    static RunRecord read(Path dir) {
        Path metrics = dir.resolve("metrics.jsonl");
        if (!Files.exists(dir)) {
            throw new UsageException("report: " + dir + " does not exist; give run folders (nova train writes them,"
                    + " runs/<plugin>-<time> by default)");
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException("report: " + dir + " is a file, not a run folder; give the folder that holds its"
                    + " metrics.jsonl");
        }
        if (!Files.isRegularFile(metrics)) {
            throw new UsageException("report: " + dir + " is not a run folder (it has no metrics.jsonl)");
        }
        List<ProgressRecord.Training> progress = new ArrayList<>();
        SortedMap<Long, Map<String, Double>> evaluations = new TreeMap<>();
        List<ProgressRecord> records;
        try {
            records = MetricsLog.read(metrics);
        } catch (UsageException e) {
            throw new UsageException("report: " + e.getMessage());
        }
        for (ProgressRecord record : records) {
            if (record instanceof ProgressRecord.Evaluation e) {
                evaluations.put(e.step(), e.metrics());
            } else if (record instanceof ProgressRecord.Training t && Double.isFinite(t.loss())) {
                progress.add(t);
            }
        }
        SortedMap<Long, Path> samples = new TreeMap<>();
        Path sampleDir = dir.resolve("samples");
        if (Files.isDirectory(sampleDir)) {
            try (Stream<Path> files = Files.list(sampleDir)) {
                files.forEach(f -> {
                    String n = f.getFileName().toString();
                    // Only the run's own files: a symbolic link (to a file outside the run, say) is not embedded.
                    if (n.matches("step-\\d{1,18}\\.(txt|png|wav)")
                            && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        samples.put(Long.parseLong(n.substring(5, n.indexOf('.'))), f);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String config = "";
        try {
            if (Files.isRegularFile(dir.resolve("config.conf"))) {
                config = Files.readString(dir.resolve("config.conf"), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SortedMap<String, String> manifest = new TreeMap<>();
        List<String> lineage = List.of();
        if (Files.exists(dir.resolve("checkpoints").resolve("latest.ckpt"))) {
            Checkpoint ckpt = Checkpoint.read(dir);
            manifest.putAll(ckpt.manifest().properties());
            lineage = Lineage.chain(ckpt.manifest());
        }
        String extractor = "";
        try {
            if (Files.isRegularFile(dir.resolve("extractor.txt"))) {
                extractor = Files.readString(dir.resolve("extractor.txt"), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunRecord(dir.getFileName().toString(), dir, config, progress, evaluations, samples, manifest,
                lineage, extractor);
    }

    /** The plugin, from the manifest or the configuration. */
    String plugin() {
        if (manifest.containsKey("plugin")) {
            return manifest.get("plugin");
        }
        try {
            return ConfigFactory.parseString(config).getString("nova.plugin");
        } catch (ConfigException e) {
            return "?";
        }
    }

    /** The quality gates of the run's configuration. */
    List<String> gates() {
        try {
            Config c = ConfigFactory.parseString(config);
            return c.hasPath("nova.gates") ? c.getStringList("nova.gates") : List.of();
        } catch (ConfigException e) {
            return List.of();
        }
    }
}

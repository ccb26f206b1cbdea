package dev.nova.host.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.host.internal.support.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTests {

    @TempDir
    Path dir;

    @Test
    void recordsAreWrittenAsTheyAlwaysWereAndReadBackAsWritten() {
        Map<String, Double> eval = new LinkedHashMap<>();
        eval.put("loss", 1.5);
        eval.put("bits", Double.NaN);
        ProgressRecord training = new ProgressRecord.Training(5, 3.079918056642362, 22100.5, Double.NaN, 0.25, Map.of());
        ProgressRecord evaluation = new ProgressRecord.Evaluation(10, eval);
        ProgressRecord diverged = new ProgressRecord.Diverged(11, "loss \"NaN\"\tat step 11");
        assertEquals("{\"step\":5,\"loss\":3.079918056642362,\"items_per_s\":22100.5,\"elapsed_s\":0.25}",
                training.toJson());
        assertEquals("{\"step\":10,\"eval\":{\"loss\":1.5,\"bits\":null},\"non_finite\":{\"eval.bits\":\"NaN\"}}",
                evaluation.toJson(), "JSON has no NaN: null, and the value named under non_finite");
        assertEquals("{\"step\":11,\"diverged\":\"loss \\\"NaN\\\"\\tat step 11\"}", diverged.toJson());

        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog.Appender log = MetricsLog.append(file)) {
            assertEquals(Optional.empty(), log.removedTornLine());
            log.write(training);
            log.write(evaluation);
            log.write(diverged);
        }
        List<ProgressRecord> back = MetricsLog.read(file);
        assertEquals(3, back.size());
        assertEquals(training, back.get(0));
        assertEquals(Map.of("loss", 1.5), ((ProgressRecord.Evaluation) back.get(1)).metrics(),
                "a value that was not finite is not a figure");
        assertEquals(diverged, back.get(2));
    }

    @Test
    void aLineCutShortByAKilledProcessIsSkippedWhenReadAndRemovedBeforeTheNextRecord() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        String whole = new ProgressRecord.Training(5, 2.0, 10, Double.NaN, 1, Map.of()).toJson() + "\n";
        Files.writeString(file, whole + "{\"step\":10,\"lo");
        assertEquals(1, MetricsLog.read(file).size(), "the torn last line is what a crash leaves, not an error");
        try (MetricsLog.Appender log = MetricsLog.append(file)) {
            assertEquals(Optional.of(14L), log.removedTornLine());
            log.write(new ProgressRecord.Training(10, 1.5, 10, Double.NaN, 2, Map.of()));
        }
        List<ProgressRecord> back = MetricsLog.read(file);
        assertEquals(2, back.size(), Files.readString(file));
        assertEquals(10, back.get(1).step());
        assertTrue(Files.readString(file).startsWith(whole));
    }

    @Test
    void aBadLineThatIsNotTheTornLastOneIsRefusedByFileAndLine() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"loss\":2}\nnot json\n{\"step\":2,\"loss\":1}\n");
        UsageException e = assertThrows(UsageException.class, () -> MetricsLog.read(file));
        assertEquals(file + ": line 2 is not a JSON record", e.getMessage());
        Files.writeString(file, "{\"step\":1,\"loss\":2}\n{\"other\":true}\n\n{\"step\":3,\"note\":\"x\"}\n",
                StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(1, MetricsLog.read(file).size(), "JSON lines that are not Nova's records are left out");
    }
}

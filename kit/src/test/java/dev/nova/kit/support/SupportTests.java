package dev.nova.kit.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.PluginException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupportTests {

    private static byte[] payload(int format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Payload.write("p", out, 42L, format, d -> d.writeUTF("hello"));
        return out.toByteArray();
    }

    @Test
    void payloadRoundTripsAndRejectsForeignTruncatedAndUnknownFormats() {
        assertEquals("hello", Payload.read("p", new ByteArrayInputStream(payload(2)), 42L, new int[] {1, 2},
                (format, in) -> in.readUTF()));
        CheckpointException foreign = assertThrows(CheckpointException.class, () -> Payload.read("p",
                new ByteArrayInputStream(payload(2)), 43L, new int[] {2}, (f, in) -> in.readUTF()));
        assertTrue(foreign.getMessage().contains("not a p checkpoint"), foreign.getMessage());
        CheckpointException format = assertThrows(CheckpointException.class, () -> Payload.read("p",
                new ByteArrayInputStream(payload(3)), 42L, new int[] {1, 2}, (f, in) -> in.readUTF()));
        assertTrue(format.getMessage().contains("format 3 is not supported"), format.getMessage());
        byte[] whole = payload(1);
        for (int cut : new int[] {0, 5, 13, whole.length - 1}) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> Payload.read("p",
                    new ByteArrayInputStream(Arrays.copyOf(whole, cut)), 42L, new int[] {1}, (f, in) -> in.readUTF()));
            assertTrue(e.getMessage().contains("truncated"), cut + ": " + e.getMessage());
        }
        CheckpointException unread = assertThrows(CheckpointException.class, () -> Payload.read("p",
                new ByteArrayInputStream(whole), 42L, new int[] {1}, (f, in) -> in.readByte()));
        assertTrue(unread.getMessage().contains("missing end marker"), unread.getMessage());
    }

    @Test
    void optionsAcceptTypedValuesAndText() {
        Options o = Options.of("p", Map.of("top-k", "5", "temperature", 0.5, "greedy", "true", "prompt", "hi"),
                List.of("top-k", "temperature", "greedy", "prompt"));
        assertEquals(5, o.integer("top-k", 0, 10).orElseThrow());
        assertEquals(0.5, o.positive("temperature").orElseThrow());
        assertEquals(true, o.flag("greedy").orElseThrow());
        assertEquals("hi", o.text("prompt").orElseThrow());
        assertTrue(o.number("absent").isEmpty());
    }

    @Test
    void optionsNameWhatIsWrong() {
        PluginException unknown = assertThrows(PluginException.class,
                () -> Options.of("p", Map.of("topk", 5), List.of("top-k")));
        assertEquals("plugin 'p': unknown option 'topk'; known: top-k", unknown.getMessage());
        Options o = Options.of("p", Map.of("k", "2.5", "t", "-1", "n", "NaN", "g", "yes"), List.of("k", "t", "n", "g"));
        assertTrue(assertThrows(PluginException.class, () -> o.integer("k", 0, 9)).getMessage()
                .endsWith("option k must be a whole number, found 2.5"));
        assertTrue(assertThrows(PluginException.class, () -> o.positive("t")).getMessage().endsWith("must be > 0, found -1.0"));
        assertTrue(assertThrows(PluginException.class, () -> o.number("n")).getMessage().contains("finite"));
        assertTrue(assertThrows(PluginException.class, () -> o.flag("g")).getMessage().contains("true or false"));
    }

    @Test
    void checksReportEveryProblemIncludingWrongTypes() {
        Checks c = new Checks(ConfigFactory.parseString(
                "a = 0, b = fast, c = 2.5, d = [1, 0], e = sgd, f = \" \", g = 0, h = 1.5"));
        c.intRange("a", 1, 10).positive("b").intRange("c", 1, 10).widths("d", false, 4, 100)
                .oneOf("e", List.of("adam", "adamw")).nonBlank("f", "a file").above("g", 0, 1).range("h", 0, 1, true);
        List<String> keys = c.problems().stream().map(ConfigProblem::path).toList();
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h"), keys);
        assertEquals("must be in [1, 10], found 0", c.problems().get(0).message());
        assertEquals("must be one of adam, adamw, found sgd", c.problems().get(4).message());
    }

    @Test
    void gettersReturnEachValueAndAPlaceholderInRangeAfterAProblem() {
        Checks c = new Checks(ConfigFactory.parseString(
                "n = 7, a = 0, b = fast, t = true, w = [4, 2], e = sgd, f = \" \", p = 0.5, q = 0, r = 0.25, x = -1"));
        assertEquals(7, c.getInt("n", 1, 10));
        assertEquals(0.5, c.getAbove("p", 0, 1));
        assertEquals(0.25, c.getDouble("r", 0, 1, true));
        assertEquals(List.of(4, 2), c.getWidths("w", false, 4, 100));
        assertTrue(c.getBoolean("t"));
        assertTrue(c.problems().isEmpty(), c.problems().toString());
        assertEquals(1, c.getInt("a", 1, 10));
        assertEquals(1.0, c.getPositive("b"));
        assertEquals("adam", c.getOneOf("e", List.of("adam", "adamw")));
        assertEquals(" ", c.getNonBlank("f", "a file"));
        assertEquals(1.0, c.getAbove("q", 0, 1));
        assertEquals(0.0, c.getAtLeast("x", 0));
        assertEquals(false, c.getBoolean("n"));
        assertEquals(List.of("a", "b", "e", "f", "q", "x", "n"), c.problems().stream().map(ConfigProblem::path).toList());
    }

    @Test
    void seedsKeyStreamsByPurposeAndIndex() {
        assertEquals(Seeds.random(7, Seeds.DATA, 3).nextLong(), Seeds.random(7, Seeds.DATA, 3).nextLong());
        assertTrue(Seeds.of(7, Seeds.DATA, 3) != Seeds.of(7, Seeds.NOISE, 3));
        assertTrue(Seeds.of(7, Seeds.DATA, 3) != Seeds.of(7, Seeds.DATA, 4));
        assertEquals(Seeds.random(5, Seeds.SAMPLE, 2).nextDouble(), Seeds.sample(5, 2).nextDouble());
    }

    /**
     * The first draws of neighbouring streams (the samples of one request, successive epochs) are independent:
     * unmixed seeds {@code 1234·1000003 + 0..5} gave first doubles within 0.0007 of each other.
     */
    @Test
    void neighbouringStreamsStartFromUncorrelatedDraws() {
        for (long purpose : new long[] {Seeds.SAMPLE, Seeds.DATA, Seeds.NOISE, Seeds.DROPOUT}) {
            int n = 2000;
            double[] first = new double[n];
            for (int i = 0; i < n; i++) {
                first[i] = Seeds.random(1234, purpose, i).nextDouble();
            }
            double[] six = java.util.Arrays.copyOf(first, 6);
            assertTrue(Arrays.stream(six).max().orElseThrow() - Arrays.stream(six).min().orElseThrow() > 0.2,
                    "the first six streams start at " + Arrays.toString(six));
            double mean = Arrays.stream(first).average().orElseThrow();
            double var = Arrays.stream(first).map(v -> (v - mean) * (v - mean)).sum() / n;
            double lag1 = 0;
            for (int i = 1; i < n; i++) {
                lag1 += (first[i] - mean) * (first[i - 1] - mean);
            }
            lag1 /= (n - 1) * var;
            // Uniform draws: mean 1/2, variance 1/12; independent neighbours: correlation within ±4/sqrt(n).
            assertEquals(0.5, mean, 0.03, "purpose " + purpose);
            assertEquals(1.0 / 12, var, 0.01, "purpose " + purpose);
            assertEquals(0, lag1, 4 / Math.sqrt(n), "purpose " + purpose);
        }
    }

    /** An unknown key is reported with the keys of its own level, not the subtree's top level. */
    @Test
    void anUnknownNestedKeyListsTheKeysBesideIt() {
        var reference = ConfigFactory.parseString("model { hidden = 8, layers = 1 }, train { steps = 1 }");
        List<ConfigProblem> problems = ConfigProblem.unknownKeys(
                ConfigFactory.parseString("model.hiden = 3, tran = 1"), reference);
        assertEquals(List.of(new ConfigProblem("model.hiden", "is not a known setting; known keys under model: hidden,"
                        + " layers"), new ConfigProblem("tran", "is not a known setting; known: model, train")),
                problems);
    }
}

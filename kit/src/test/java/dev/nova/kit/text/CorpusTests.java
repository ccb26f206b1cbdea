package dev.nova.kit.text;

import dev.nova.api.PluginException;
import dev.nova.kit.tokens.Windows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusTests {

    private static final Module MODULE = Corpus.class.getModule();

    @TempDir
    Path dir;

    /** A tiling scores every token after the first exactly once, batch-major as attention reads it. */
    @Test
    void tiledWindowsScoreEveryTokenOnce() {
        int[] tokens = new int[13];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        Windows first = Windows.tiled(tokens, 0, 2, 4);
        Windows rest = Windows.tiled(tokens, 2, 1, 4);
        assertEquals(java.util.List.of(0, 1, 2, 3, 4, 5, 6, 7), java.util.Arrays.stream(first.batchMajorInputs()).boxed().toList());
        assertEquals(java.util.List.of(1, 2, 3, 4, 5, 6, 7, 8), java.util.Arrays.stream(first.batchMajorLabels()).boxed().toList());
        assertEquals(java.util.List.of(9, 10, 11, 12), java.util.Arrays.stream(rest.batchMajorLabels()).boxed().toList());
        assertEquals(java.util.List.of(1.0, 1 / Math.log(2), 12.0), java.util.List.copyOf(TextMetrics.of(1.0, 12).values()));
    }

    @Test
    void invalidUtf8NamesTheFileAndByteOffset() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'a', 'b', 'c', (byte) 0xC3, (byte) 0x28, 'd'});
        PluginException e = assertThrows(PluginException.class, () -> Corpus.read("text-gru", f.toString(), MODULE));
        assertEquals("plugin 'text-gru': " + f + ": invalid UTF-8 at byte offset 3; training text must be UTF-8", e.getMessage());
    }

    @Test
    void unicodeRoundTripsThroughTheVocabulary() throws Exception {
        String text = "Grüße, 世界! naïve café 🙂 — 你好世界\n";
        Path f = Files.writeString(dir.resolve("u.txt"), "\uFEFF" + text, StandardCharsets.UTF_8);
        String read = Corpus.read("text-gru", f.toString(), MODULE);
        assertEquals(text, read, "BOM dropped, everything else kept");
        Vocabulary v = Vocabulary.of(read);
        assertTrue(v.index("🙂".codePointAt(0)) >= 0, "supplementary characters are single tokens");
        StringBuilder back = new StringBuilder();
        for (int t : v.encode("text-gru", read, "u.txt")) {
            back.append(v.decode(t));
        }
        assertEquals(text, back.toString());
        assertEquals(text.codePointCount(0, text.length()), v.encode("text-gru", read, "u.txt").length);
    }

    @Test
    void folderIsReadInNameOrder() throws Exception {
        Files.createDirectories(dir.resolve("d/sub"));
        Files.writeString(dir.resolve("d/b.txt"), "BBB");
        Files.writeString(dir.resolve("d/a.txt"), "AAA");
        Files.writeString(dir.resolve("d/sub/c.txt"), "CCC");
        assertEquals("AAABBBCCC", Corpus.read("text-gru", dir.resolve("d").toString(), MODULE));
    }

    @Test
    void anUnknownBuiltinCorpusNamesTheModule() {
        PluginException e = assertThrows(PluginException.class, () -> Corpus.read("text-gru", "builtin:nothing", MODULE));
        assertTrue(e.getMessage().contains("no built-in corpus 'nothing'") && e.getMessage().contains("dev.nova.kit"),
                e.getMessage());
    }

    @Test
    void theKitShipsTheGenesisSample() {
        String text = Corpus.read("p", "builtin:kjv-genesis", Object.class.getModule());
        assertTrue(text.startsWith("Genesis 1\nIn the beginning God created the heaven and the earth."), text.substring(0, 80));
        assertTrue(text.length() > 150_000);
    }

    @Test
    void heldOutTailIsTheLastFraction() {
        Vocabulary v = Vocabulary.of("abcdefghij");
        Corpus c = Corpus.of("p", "abcdefghij", v, 0.2, 3, "s");
        assertEquals(8, c.trainEnd());
        assertEquals(2, c.heldOut().length);
        PluginException e = assertThrows(PluginException.class, () -> Corpus.of("p", "abcdefghij", v, 0.2, 9, "s"));
        assertTrue(e.getMessage().contains("training needs at least 9"), e.getMessage());
    }

    @Test
    void unknownCharactersAreReportedByTheVocabulary() {
        Vocabulary v = Vocabulary.of("abc");
        PluginException e = assertThrows(PluginException.class, () -> v.encode("text-gru", "abz", "the prompt"));
        assertTrue(e.getMessage().contains("U+007A 'z'") && e.getMessage().contains("the prompt"), e.getMessage());
    }

    @Test
    void missingFileIsAClearError() {
        PluginException e = assertThrows(PluginException.class, () -> Corpus.read("text-gru", dir.resolve("nope.txt").toString(), MODULE));
        assertTrue(e.getMessage().contains("nope.txt") && e.getMessage().contains("does not exist"), e.getMessage());
    }
}

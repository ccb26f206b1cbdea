package dev.nova.formats.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("A byte-level BPE")
class ByteLevelBpeTests {

    static final String TEXT = """
            In the beginning God created the heaven and the earth. And the earth was without form, and void; and
            darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters.
            And God said, Let there be light: and there was light. It's 1611; they're here, we'll see.
            """.repeat(20);

    /** Random valid text over every plane: ASCII, whitespace of every kind, CJK, combining marks, emoji, the rest. */
    static String randomText(Random r, int length) {
        StringBuilder b = new StringBuilder();
        int[] spaces = {' ', '\n', '\t', '\r', 0xA0, 0x3000, 0x2009, 0x85, 0x2028};
        while (b.length() < length) {
            double x = r.nextDouble();
            int cp;
            if (x < 0.4) {
                cp = 0x20 + r.nextInt(0x5f);
            } else if (x < 0.55) {
                cp = spaces[r.nextInt(spaces.length)];
            } else if (x < 0.65) {
                cp = 0x4E00 + r.nextInt(0x5000);
            } else if (x < 0.72) {
                cp = 0x300 + r.nextInt(0x70);
            } else if (x < 0.8) {
                cp = 0x1F300 + r.nextInt(0x800);
            } else {
                cp = r.nextInt(0x110000);
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 'x';
            }
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    @Test
    @DisplayName("decodes what it encodes, for any valid text (property test, 2,000 random strings)")
    void roundTrip() {
        ByteLevelBpe bpe = ByteLevelBpe.train(TEXT + randomText(new Random(1), 2000), 400);
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            String s = randomText(r, r.nextInt(60));
            assertEquals(s, bpe.decode(bpe.encode(s)), () -> "round trip of " + s.codePoints().boxed().toList());
        }
    }

    @Test
    @DisplayName("trained twice on one text gives the same merges, and merges shorten the text")
    void deterministic() {
        ByteLevelBpe a = ByteLevelBpe.train(TEXT, 300);
        ByteLevelBpe b = ByteLevelBpe.train(TEXT, 300);
        assertEquals(a, b);
        assertEquals(300, a.size());
        assertEquals("bpe", a.kind());
        int[] tokens = a.encode(TEXT);
        assertTrue(tokens.length < TEXT.length() / 2, "BPE should compress the text: " + tokens.length);
        // the most frequent pair first: in this text, a word with its leading space or a letter pair
        assertEquals(2, a.parts(256).length);
    }

    @Test
    @DisplayName("refuses a vocabulary below the 256 bytes or beyond what the text supports, saying how far it got")
    void sizeRange() {
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.train(TEXT, 255));
        assertTrue(low.getMessage().contains("vocab-size 255"), low.getMessage());
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
                () -> ByteLevelBpe.train("abab abab", 1000));
        assertTrue(high.getMessage().contains("more than the text supports"), high.getMessage());
    }

    @Nested
    @DisplayName("in a checkpoint")
    class Stored {

        @Test
        @DisplayName("reads back equal, and encodes the same")
        void readsBack() throws IOException {
            ByteLevelBpe bpe = ByteLevelBpe.train(TEXT, 320);
            ByteLevelBpe back = ByteLevelBpe.read(in(bytes(bpe)));
            assertEquals(bpe, back);
            assertArrayEquals(bpe.encode(TEXT), back.encode(TEXT));
        }

        @Test
        @DisplayName("with any one bit flipped is refused")
        void bitFlip() throws IOException {
            byte[] b = bytes(ByteLevelBpe.train(TEXT, 300));
            for (int bit : new int[] {8 * 4 + 3, 8 * 20, 8 * (b.length / 2) + 5, 8 * (b.length - 9)}) {
                byte[] flipped = b.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                Exception e = assertThrows(Exception.class, () -> ByteLevelBpe.read(in(flipped)));
                assertTrue(e instanceof IllegalArgumentException || e instanceof IOException, e.toString());
            }
        }

        private static byte[] bytes(ByteLevelBpe bpe) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            bpe.write(new DataOutputStream(out));
            return out.toByteArray();
        }

        private static DataInputStream in(byte[] b) {
            return new DataInputStream(new ByteArrayInputStream(b));
        }
    }

    @Nested
    @DisplayName("streamed back into text")
    class Streamed {

        @Test
        @DisplayName("never emits part of a character, across 2-, 3- and 4-byte sequences and surrogate pairs")
        void splitCharacters() {
            String text = "é€😀a👩‍👩‍👧 你好";
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            // every cut into one-byte pieces: each emitted piece is whole code points
            Utf8Stream stream = new Utf8Stream();
            StringBuilder joined = new StringBuilder();
            for (byte b : utf8) {
                String piece = stream.push(new byte[] {b});
                assertTrue(piece.codePoints().allMatch(cp -> cp != 0xFFFD), piece);
                assertTrue(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1)), piece);
                joined.append(piece);
            }
            joined.append(stream.finish());
            assertEquals(text, joined.toString());
        }

        @Test
        @DisplayName("joined equals decoding at once, for random token streams (malformed bytes included)")
        void equalsWholeDecode() {
            ByteLevelBpe bpe = ByteLevelBpe.train(TEXT + randomText(new Random(3), 3000), 500);
            Random r = new Random(9);
            for (int i = 0; i < 500; i++) {
                int[] tokens = r.ints(r.nextInt(30), 0, bpe.size()).toArray();
                Utf8Stream stream = bpe.decoder();
                StringBuilder b = new StringBuilder();
                for (int t : tokens) {
                    b.append(stream.push(bpe.bytes(t)));
                }
                b.append(stream.finish());
                assertEquals(bpe.decode(tokens), b.toString());
            }
        }
    }

    @Test
    @DisplayName("cuts text into GPT-2's pieces")
    void pieces() {
        List<String> pieces = new ArrayList<>();
        String s = "Hello world's  end\n\n  x 123abc !!? 你好 \u00a0é";
        Gpt2Split.split(s, (a, b) -> pieces.add(s.substring(a, b)));
        assertEquals(List.of("Hello", " world", "'s", " ", " end", "\n\n ", " x", " 123", "abc", " !!?", " 你好", " ",
                "\u00a0", "é"), pieces);
    }
}

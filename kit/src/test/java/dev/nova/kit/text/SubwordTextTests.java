package dev.nova.kit.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.InvalidConfigException;
import dev.nova.api.ModelContext;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text on byte-level BPE tokens: the corpus split, the tokenizer in a payload, streaming, the one-line errors. */
class SubwordTextTests {

    static final String TEXT = "In the beginning God created the heaven and the earth. 你好, Grüße 🙂\n".repeat(50);

    @TempDir
    Path dir;

    private TextSource source(String tokenizer, int vocabSize, String path) throws Exception {
        Files.writeString(dir.resolve("corpus.txt"), TEXT, StandardCharsets.UTF_8);
        return new TextDataSettings("corpus.txt", 0.2, tokenizer, vocabSize, path)
                .source("test", ModelContext.of(1, dir, dir), SubwordTextTests.class.getModule(), 9);
    }

    @Test
    void aBpeIsTrainedOnTheTrainingSplitAndTheHeldOutTailIsTheTextsLastFifth() throws Exception {
        TextSource s = source(Tokenizer.BPE, 300, "");
        Tokenizer t = s.readWithTokenizer();
        assertEquals(Tokenizer.BPE, t.kind());
        assertEquals(300, t.size());
        ReferenceData ref = s.reference(t);
        String train = ref.text(ReferenceData.Split.TRAINING).orElseThrow();
        String held = ref.text(ReferenceData.Split.HELD_OUT).orElseThrow();
        assertEquals(TEXT, train + held, "the two splits decode to the text");
        int n = TEXT.codePointCount(0, TEXT.length());
        assertEquals(Math.round(n * 0.2), held.codePointCount(0, held.length()), "the tail is cut by characters");
        // a restored model reads the same corpus with the tokenizer from its payload
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.save(new DataOutputStream(out));
        Tokenizer back = Tokenizer.load("test", new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
        assertEquals(t, back);
        assertArrayEquals(s.get(t).tokens(), source(Tokenizer.BPE, 300, "").get(back).tokens());
    }

    @Test
    void aVocabSizeTheTextCannotReachOrMissingGpt2FilesAreConfigurationErrorsNamingTheKey() throws Exception {
        InvalidConfigException big = assertThrows(InvalidConfigException.class,
                () -> source(Tokenizer.BPE, 100_000, "").readWithTokenizer());
        assertEquals("tokenizer.vocab-size", big.problems().get(0).path());
        assertTrue(big.problems().get(0).message().startsWith("is 100000, more than the text supports"),
                big.problems().get(0).message());
        InvalidConfigException gpt2 = assertThrows(InvalidConfigException.class,
                () -> source(Tokenizer.GPT2, 0, dir.toString()).readWithTokenizer());
        assertEquals("tokenizer.path", gpt2.problems().get(0).path());
        assertEquals(1, gpt2.getMessage().lines().count());
    }

    @Test
    void generatedTextStreamsWholeCharactersOnly() throws Exception {
        Tokenizer t = source(Tokenizer.BPE, 260, "").readWithTokenizer();
        // a model that always samples the bytes of 🙂 (F0 9F 99 82), one byte token after another
        byte[] smile = "🙂".getBytes(StandardCharsets.UTF_8);
        Subwords s = (Subwords) t;
        int[] bytes = new int[4];
        for (int i = 0; i < 4; i++) {
            for (int token = 0; token < s.size(); token++) {
                if (s.bytes(token).length == 1 && s.bytes(token)[0] == smile[i]) {
                    bytes[i] = token;
                }
            }
        }
        int[] step = {0};
        List<String> pieces = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onText(int sample, String text) {
                pieces.add(text);
            }
        };
        List<Sample> out = new TextGeneration(8, 1.0, 0, 1.0).generate("test", new GenerationRequest(1, 3,
                Map.of(GenerationRequest.GREEDY, true), listener), t, () -> token -> {
                    float[] logits = new float[t.size()];
                    logits[bytes[step[0]++ % 4]] = 10;
                    return logits;
                });
        assertEquals("🙂🙂", ((Sample.Text) out.get(0)).text(), "8 tokens are two characters");
        assertEquals(List.of("🙂", "🙂"), pieces, "never half a character");
    }
}

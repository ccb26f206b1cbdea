package dev.nova.kit.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.GenerationRequest;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.Sample;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TextGenerationTests {

    /**
     * The samples of one request are independent: with a flat distribution over 26 letters, eight samples do not
     * all start with the same letter (with the unmixed stream seeds of kit before 0.2 of the plugins, they did:
     * their first uniform draws agreed to three digits).
     */
    @Test
    void theSamplesOfOneRequestStartFromIndependentDraws() {
        Vocabulary letters = Vocabulary.of("abcdefghijklmnopqrstuvwxyz");
        for (long seed : new long[] {7, 1234, 42}) {
            Set<String> first = new TreeSet<>();
            for (Sample s : new TextGeneration(1, 1.0, 0, 1.0).generate("test", GenerationRequest.of(8, seed)
                    .with(GenerationRequest.PROMPT, "a"), letters, () -> token -> new float[letters.size()])) {
                first.add(((Sample.Text) s).text().substring(1));
            }
            // Eight draws from 26 equally likely letters: fewer than 4 distinct has probability below 1e-3.
            assertTrue(first.size() >= 4, "seed " + seed + ": eight samples began with only " + first);
        }
    }

    /** A prompt the vocabulary cannot encode is the user's mistake: an invalid option (exit code 2 in the host). */
    @Test
    void aPromptOutsideTheVocabularyIsAnInvalidOption() {
        Vocabulary letters = Vocabulary.of("abcdefghijklmnopqrstuvwxyz");
        TextGeneration g = new TextGeneration(1, 1.0, 0, 1.0);
        InvalidOptionException one = assertThrows(InvalidOptionException.class, () -> g.generate("test",
                GenerationRequest.of(1, 7).with(GenerationRequest.PROMPT, "caf\u00e9"), letters,
                () -> token -> new float[letters.size()]));
        assertEquals(GenerationRequest.PROMPT, one.option());
        assertEquals("plugin 'test': the prompt contains a character the model's vocabulary lacks, U+00E9 '\u00e9'",
                one.getMessage());
        InvalidOptionException two = assertThrows(InvalidOptionException.class, () -> g.generate("test",
                GenerationRequest.of(1, 7).with(GenerationRequest.PROMPT, "\u001b[31mRED"), letters,
                () -> token -> new float[letters.size()]));
        assertEquals("plugin 'test': the prompt contains 7 different characters the model's vocabulary lacks, for"
                + " example U+001B", two.getMessage(), "a control character is named, never printed");
    }
}

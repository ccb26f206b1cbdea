package dev.nova.kit.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.Growth;
import dev.nova.kit.nn.Init;
import dev.nova.kit.nn.ParamSet;
import dev.nova.kit.text.Vocabulary;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Copying a parent's parameters into a grown model, and freezing parameters in the optimiser. */
class FineTuneTests {

    /** A parent with vocabulary "abc": an embedding [3, 2], an output layer [2, 3] and its bias [1, 3]. */
    private static ParamSet model(int vocab, long seed) {
        ParamSet p = ParamSet.floats(seed);
        p.add("embedding", vocab, 2, Init.uniform(1));
        p.add("output.w", 2, vocab, Init.uniform(1));
        p.add("output.b", 1, vocab, Init.uniform(1));
        p.add("norm.g", 1, 2, Init.uniform(1));
        return p;
    }

    private static float[] row(ParamSet p, String name, int r) {
        float[] v = Buffers.floats(p.get(name));
        int cols = (int) p.get(name).columns();
        return Arrays.copyOfRange(v, r * cols, (r + 1) * cols);
    }

    private static float[] column(ParamSet p, String name, int c) {
        float[] v = Buffers.floats(p.get(name));
        int rows = (int) p.get(name).rows();
        int cols = (int) p.get(name).columns();
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = v[r * cols + c];
        }
        return out;
    }

    @Test
    void aGrownVocabularyKeepsEveryOldRowBitForBitWhereTheCharacterNowIs() {
        Vocabulary parentVocabulary = Vocabulary.of("abc");
        Vocabulary grown = parentVocabulary.grow("a b\u00e9c");
        assertArrayEquals(new int[] {' ', 'a', 'b', 'c', '\u00e9'}, grown.codePoints(), "the union, in code point order");
        assertEquals("U+0020 '\u00e9'", grown.describeAdded(parentVocabulary));
        // Thousands of new characters (a Chinese corpus) are listed up to a bound, then counted (issue 43, 5).
        StringBuilder chinese = new StringBuilder();
        for (int cp = 0x4E00; cp < 0x4E00 + 2832; cp++) {
            chinese.appendCodePoint(cp);
        }
        String many = parentVocabulary.grow(chinese.toString()).describeAdded(parentVocabulary);
        assertTrue(many.startsWith("'\u4e00' '\u4e01' ") && many.endsWith(" and " + (2832 - Vocabulary.LISTED)
                + " more") && many.length() < 200, many);
        Growth growth = grown.growthFrom(parentVocabulary);
        assertArrayEquals(new int[] {1, 2, 3}, growth.index(), "a, b, c moved up by the space");
        ParamSet parent = model(3, 1);
        ParamSet child = model(5, 2);
        float[] fresh = row(child, "embedding", 0);
        List<String> grew = child.copyFrom(parent, growth);
        assertEquals(List.of("embedding", "output.w", "output.b"), grew);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(row(parent, "embedding", i), row(child, "embedding", growth.at(i)), "embedding row " + i);
            assertArrayEquals(column(parent, "output.w", i), column(child, "output.w", growth.at(i)), "output column " + i);
            assertArrayEquals(column(parent, "output.b", i), column(child, "output.b", growth.at(i)), "bias " + i);
        }
        assertArrayEquals(fresh, row(child, "embedding", 0), "the new character's row keeps its fresh values");
        assertArrayEquals(Buffers.floats(parent.get("norm.g")), Buffers.floats(child.get("norm.g")), "not grown: copied");
    }

    @Test
    void aClassBlockInsideALongerInputMovesWhatFollowsIt() {
        // an encoder input of 3 pixels then 2 classes, grown to 3 classes; a state input of 2 classes then 1 latent
        ParamSet parent = ParamSet.floats(1);
        parent.add("enc.w", 5, 2, Init.uniform(1));
        parent.add("state.w", 3, 2, Init.uniform(1));
        ParamSet child = ParamSet.floats(2);
        child.add("enc.w", 6, 2, Init.uniform(1));
        child.add("state.w", 4, 2, Init.uniform(1));
        Growth growth = new Growth(new int[] {0, 1}, 3).withOffset("enc.w", 3);
        child.copyFrom(parent, growth);
        for (int r = 0; r < 5; r++) {
            assertArrayEquals(row(parent, "enc.w", r), row(child, "enc.w", r), "pixels and old classes stay");
        }
        assertArrayEquals(row(parent, "state.w", 0), row(child, "state.w", 0));
        assertArrayEquals(row(parent, "state.w", 1), row(child, "state.w", 1));
        assertArrayEquals(row(parent, "state.w", 2), row(child, "state.w", 3), "the latent row moves past the new class");
    }

    @Test
    void aParameterOfAnotherShapeIsRefusedByName() {
        ParamSet parent = model(3, 1);
        ParamSet child = ParamSet.floats(2);
        child.add("embedding", 3, 4, Init.uniform(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> child.copyFrom(parent, Growth.none(3)));
        assertTrue(e.getMessage().contains("embedding") && e.getMessage().contains("[3, 2]")
                && e.getMessage().contains("[3, 4]"), e.getMessage());
    }

    @Test
    void frozenParametersKeepTheirBytesAndLeaveTheNormAlone() {
        TrainSettings s = new TrainSettings("adamw", 0.1, 0, 0, 0, 0, 0.01);
        ParamSet p = model(3, 1);
        Adam adam = new Adam(s, p);
        adam.freeze(List.of("embedding", "norm.g"));
        assertEquals(List.of("embedding", "norm.g"), adam.frozen());
        float[] embedding = Buffers.floats(p.get("embedding"));
        float[] output = Buffers.floats(p.get("output.w"));
        for (String name : p.names()) {
            float[] g = new float[(int) p.grad(name).length()];
            Arrays.fill(g, name.equals("embedding") ? 100f : 0.5f);
            Buffers.write(g, p.grad(name));
        }
        double norm = adam.apply(0);
        assertEquals(Math.sqrt(0.25 * (6 + 3)), norm, 1e-6, "only the trained parameters' gradients count");
        assertArrayEquals(embedding, Buffers.floats(p.get("embedding")), "frozen: not a bit changed");
        assertFalse(Arrays.equals(output, Buffers.floats(p.get("output.w"))), "the others train");
        assertThrows(IllegalArgumentException.class, () -> adam.freeze(List.of("nothing")));
    }

    @Test
    void carriedMomentsAreThoseOfParametersOfTheSameShape() {
        TrainSettings s = new TrainSettings("adam", 0.1, 0, 0, 0, 0, 0);
        ParamSet parentParams = model(3, 1);
        Adam parent = new Adam(s, parentParams);
        for (String name : parentParams.names()) {
            float[] g = new float[(int) parentParams.grad(name).length()];
            Arrays.fill(g, 1f);
            Buffers.write(g, parentParams.grad(name));
        }
        parent.apply(0);
        ParamSet childParams = model(4, 2);
        Adam child = new Adam(s, childParams);
        assertEquals(List.of("norm.g"), child.carryMoments(parent), "the grown ones start afresh");
    }
}

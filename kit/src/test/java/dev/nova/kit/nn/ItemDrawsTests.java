package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.nova.kit.support.Seeds;
import dev.nova.kit.text.Corpus;
import dev.nova.kit.text.Vocabulary;
import dev.nova.kit.tokens.Windows;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Draws keyed by item: slicing a batch never changes what an item gets, which data-parallel training needs. */
class ItemDrawsTests {

    private static final int TIME = 3;
    private static final int BATCH = 5;
    private static final int WIDTH = 4;

    @Test
    void aTimeMajorMaskOfASliceIsTheWholeBatchsMaskForThoseItems() {
        double[] whole = Dropout.timeMajor(Seeds.items(7, Seeds.DROPOUT, 2, 0, BATCH), TIME, BATCH).next(0.5, TIME * BATCH * WIDTH);
        double[] slice = Dropout.timeMajor(Seeds.items(7, Seeds.DROPOUT, 2, 2, 3), TIME, 3).next(0.5, TIME * 3 * WIDTH);
        for (int t = 0; t < TIME; t++) {
            for (int b = 0; b < 3; b++) {
                assertArrayEquals(Arrays.copyOfRange(whole, (t * BATCH + 2 + b) * WIDTH, (t * BATCH + 3 + b) * WIDTH),
                        Arrays.copyOfRange(slice, (t * 3 + b) * WIDTH, (t * 3 + b + 1) * WIDTH), "t " + t + ", item " + (2 + b));
            }
        }
    }

    @Test
    void aBatchMajorMaskOfASliceIsTheWholeBatchsMaskForThoseItemsLayerAfterLayer() {
        Dropout.Masks whole = Dropout.batchMajor(Seeds.items(7, Seeds.DROPOUT, 2, 0, BATCH), TIME, BATCH);
        Dropout.Masks slice = Dropout.batchMajor(Seeds.items(7, Seeds.DROPOUT, 2, 4, 1), TIME, 1);
        for (int layer = 0; layer < 2; layer++) {
            double[] w = whole.next(0.3, BATCH * TIME * WIDTH);
            double[] s = slice.next(0.3, TIME * WIDTH);
            assertArrayEquals(Arrays.copyOfRange(w, 4 * TIME * WIDTH, 5 * TIME * WIDTH), s, "layer " + layer);
        }
    }

    @Test
    void itemStreamsDifferBetweenItemsStepsAndPurposes() {
        long a = Seeds.item(1, Seeds.DATA, 3, 0).nextLong();
        assertNotEquals(a, Seeds.item(1, Seeds.DATA, 3, 1).nextLong());
        assertNotEquals(a, Seeds.item(1, Seeds.DATA, 4, 0).nextLong());
        assertNotEquals(a, Seeds.item(1, Seeds.NOISE, 3, 0).nextLong());
        assertEquals(a, Seeds.item(1, Seeds.DATA, 3, 0).nextLong());
    }

    @Test
    void windowsOfASliceAreTheWholeBatchsWindows() {
        String text = "the quick brown fox jumps over the lazy dog. ".repeat(10);
        Vocabulary v = Vocabulary.of(text);
        Corpus c = Corpus.of("t", text, v, 0.1, TIME + 1, "test");
        Windows whole = Windows.random(c, TIME, 9, 6, 0, BATCH);
        Windows slice = Windows.random(c, TIME, 9, 6, 1, 4);
        for (int t = 0; t < TIME; t++) {
            assertArrayEquals(Arrays.copyOfRange(whole.inputs()[t], 1, 4), slice.inputs()[t]);
            assertArrayEquals(Arrays.copyOfRange(whole.labels()[t], 1, 4), slice.labels()[t]);
        }
    }

    @Test
    void flatParametersRoundTripExactly() {
        ParamSet p = new ParamSet(DataType.FLOAT, 3);
        p.add("w", 3, 4, Init.uniform(1));
        p.add("b", 1, 4, Init.uniform(1));
        float[] values = new float[(int) p.size()];
        p.readValues(values);
        float[] changed = values.clone();
        changed[0] += 1;
        p.writeValues(changed);
        float[] back = new float[values.length];
        p.readValues(back);
        assertArrayEquals(changed, back);
        float[] g = new float[values.length];
        Random r = new Random(1);
        for (int i = 0; i < g.length; i++) {
            g[i] = r.nextFloat();
        }
        p.writeGradients(g);
        float[] gBack = new float[g.length];
        p.readGradients(gBack);
        assertArrayEquals(g, gBack);
    }
}

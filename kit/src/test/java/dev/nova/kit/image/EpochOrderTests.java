package dev.nova.kit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpochOrderTests {

    @Test
    void everyEpochVisitsEveryItemOnceInANewOrder() {
        EpochOrder o = new EpochOrder(10, 4, 7);
        assertEquals(3, o.stepsPerEpoch());
        int[] epoch0 = new int[0];
        for (int s = 0; s < 3; s++) {
            int[] step = o.step(s);
            assertEquals(s < 2 ? 4 : 2, step.length);
            epoch0 = concat(epoch0, step);
        }
        int[] sorted = epoch0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
        assertFalse(Arrays.equals(o.permutation(0), o.permutation(1)));
    }

    /** A step's items are a pure function of the seed and the step: a resumed run sees what the original did. */
    @Test
    void aStepDoesNotDependOnWhatCameBefore() {
        EpochOrder a = new EpochOrder(100, 8, 3);
        for (int s = 0; s < 40; s++) {
            a.step(s);
        }
        assertArrayEquals(a.step(37), new EpochOrder(100, 8, 3).step(37));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ScratchTests {

    @Test
    void theLayersOfOneModelShareABufferAndTwoModelsDoNot() {
        ParamSet a = ParamSet.floats(1);
        ParamSet b = ParamSet.floats(1);
        assertSame(a.scratch().vec("attention.qkv", 12).floats(), a.scratch().vec("attention.qkv", 12).floats());
        assertNotSame(a.scratch().vec("attention.qkv", 12).floats(), b.scratch().vec("attention.qkv", 12).floats());
        assertNotSame(a.scratch().vec("attention.qkv", 12).floats(), a.scratch().vec("attention.cat", 12).floats(),
                "names are buffers of their own");
        assertSame(a.scratch().array("attention.dq", 2, 3), a.scratch().array("attention.dq", 2, 3));
        assertNotSame(a.scratch().array("attention.dq", 2, 3), b.scratch().array("attention.dq", 2, 3));
    }

    @Test
    void aJavaBufferServesEverySizeUpToItsLongestAndHasTheLengthAskedFor() {
        Scratch s = ParamSet.floats(1).scratch();
        float[] first = s.vec("dense.gradient", 8).floats();
        Vec shorter = s.vec("dense.gradient", 3);
        assertSame(first, shorter.floats(), "a shorter buffer is the same array");
        assertEquals(3, shorter.length(), "what read and write copy");
        Vec longer = s.vec("dense.gradient", 20);
        assertEquals(20, longer.length());
        assertSame(longer.floats(), s.vec("dense.gradient", 8).floats(), "the array grew once, for good");
    }

    @Test
    void nativeBuffersHaveTheModelsTypeAndAnExactShapeAndEachNameKeepsTwo() {
        Scratch s = new ParamSet(DataType.DOUBLE, 1).scratch();
        INDArray train = s.array("w", 2, 3, 4);
        assertEquals(DataType.DOUBLE, train.dataType());
        assertArrayEquals(new long[] {2, 3, 4}, train.shape());
        assertNull(s.vec("v", 5).floats(), "a double model's Java buffers are doubles");
        INDArray last = s.array("w", 1, 3, 4);
        assertSame(train, s.array("w", 2, 3, 4));
        s.array("w", 3, 3, 4);
        assertSame(train, s.array("w", 2, 3, 4), "the shape used most recently stays");
        assertNotSame(last, s.array("w", 1, 3, 4), "the least recently used shape was let go");
    }
}

package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A product with its kept context against {@code Nd4j.gemm}, which builds its context at every call. */
class ProductTests {

    private static INDArray random(DataType type, long seed, int rows, int cols) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(type, rows, cols);
    }

    /**
     * Every transpose, both factors and both types give {@code Nd4j.gemm}'s result to the bit, on the first call (the
     * context bound) and on later ones (the context kept), including after the operands' values change in place.
     */
    @Test
    void aKeptContextGivesNd4jsProductToTheBit() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                INDArray a = ta ? random(type, 1, 37, 19) : random(type, 1, 19, 37);
                INDArray b = tb ? random(type, 2, 23, 37) : random(type, 2, 37, 23);
                double beta = t == 3 ? 1.0 : 0.0;
                INDArray expected = random(type, 3, 19, 23);
                INDArray actual = expected.dup();
                Product p = new Product();
                for (int call = 0; call < 3; call++) {
                    Nd4j.gemm(a, b, expected, ta, tb, 0.5, beta);
                    p.run(a, b, actual, ta, tb, 0.5, beta);
                    assertEquals(expected, actual, type + " transposes " + ta + "/" + tb + ", call " + call);
                    a.addi(random(type, 10 + call, (int) a.rows(), (int) a.columns()));
                    b.muli(1.5);
                }
            }
        }
    }

    /** Other operands bind the context again; views of a larger array (a GRU's steps) multiply as Nd4j's do. */
    @Test
    void otherOperandsAndViewsBindAgain() {
        INDArray states = random(DataType.FLOAT, 4, 6 * 8, 16);
        INDArray w = random(DataType.FLOAT, 5, 16, 24);
        Product p = new Product();
        INDArray actual = Nd4j.create(DataType.FLOAT, 8, 24);
        INDArray expected = Nd4j.create(DataType.FLOAT, 8, 24);
        for (int step = 0; step < 6; step++) {
            INDArray rows = states.get(NDArrayIndex.interval(step * 8, (step + 1) * 8), NDArrayIndex.all());
            p.run(rows, w, actual, false, false, 1.0, 0.0);
            Nd4j.gemm(rows, w, expected, false, false, 1.0, 0.0);
            assertEquals(expected, actual, "step " + step);
        }
        INDArray wider = random(DataType.FLOAT, 6, 16, 16);
        INDArray otherOut = Nd4j.create(DataType.FLOAT, 16, 24);
        p.run(wider, w, otherOut, true, false, 1.0, 0.0);
        assertEquals(Nd4j.gemm(wider, w, true, false), otherOut);
    }

    private static INDArray c() {
        return Nd4j.create(DataType.FLOAT, 4, 3);
    }

    /**
     * A result that is a view with gaps is refused, as {@code Nd4j.gemm} refuses it; operands that do not multiply are
     * refused with their sizes; the products are counted.
     */
    @Test
    void refusesAViewResultAndCountsItsFlops() {
        INDArray a = random(DataType.FLOAT, 7, 4, 5);
        INDArray b = random(DataType.FLOAT, 8, 5, 3);
        INDArray column = Nd4j.create(DataType.FLOAT, 4, 6).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Product().run(a, b, column, false, false, 1, 0));
        INDArray wrong = Nd4j.create(DataType.FLOAT, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Product().run(a, b, wrong, false, false, 1, 0));
        assertEquals("cannot multiply 4x5 by 5x3 into 4x4 (transposes false, false)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Product().run(a, b, c(), true, false, 1, 0));
        assertEquals("cannot multiply 5x4 by 5x3 into 4x3 (transposes true, false)", e.getMessage());
        Product p = new Product();
        INDArray c = Nd4j.create(DataType.FLOAT, 4, 3);
        long flops = Flops.counting(() -> {
            p.run(a, b, c, false, false, 1, 0);
            p.run(a, b, c, false, false, 1, 0);
            return null;
        }).flops();
        assertEquals(2 * 2L * 4 * 3 * 5, flops);
    }
}

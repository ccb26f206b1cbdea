package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Where the rows of a parent model's indexed dimension (its vocabulary or its classes) go in a grown model: parent
 * row {@code i} becomes row {@code index[i]} of {@code size}. A fine-tuned model copies every parameter of its parent,
 * and a dimension of the parent's {@code index.length} that is {@code size} in the child is copied row by row through
 * this map ({@link ParamSet#copyFrom}); rows no parent row maps to keep their fresh initial values.
 *
 * @param index the new position of each parent row, distinct, each in {@code [0, size)}
 * @param size the grown dimension, at least {@code index.length}
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record Growth(int[] index, int size) {

    /** Checks and copies the map. */
    public Growth {
        index = index.clone();
        boolean[] seen = new boolean[Math.max(size, 0)];
        for (int i : index) {
            if (i < 0 || i >= size || seen[i]) {
                throw new IllegalArgumentException("a growth map needs distinct rows in [0, " + size + "), found "
                        + Arrays.toString(index));
            }
            seen[i] = true;
        }
    }

    /**
     * No growth: every row stays where it is.
     *
     * @param size the dimension
     * @return the identity map
     */
    public static Growth none(int size) {
        int[] index = new int[size];
        Arrays.setAll(index, i -> i);
        return new Growth(index, size);
    }

    /** The new position of each parent row (a copy). */
    @Override
    public int[] index() {
        return index.clone();
    }

    /** The parent's dimension. */
    public int parentSize() {
        return index.length;
    }

    /** Whether the child has rows the parent did not. */
    public boolean grows() {
        return size > index.length;
    }

    /**
     * The new position of a parent row.
     *
     * @param i the parent's row
     * @return its row in the child
     */
    public int at(int i) {
        return index[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Growth g && g.size == size && Arrays.equals(g.index, index);
    }

    @Override
    public int hashCode() {
        return 31 * size + Arrays.hashCode(index);
    }

    @Override
    public String toString() {
        return "Growth[" + index.length + " -> " + size + "]";
    }
}

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
 * <p>The indexed rows may be a block within a longer dimension (an input that is an image's pixels followed by a
 * class's one-hot code): {@link #withOffset} names the parameters whose block starts elsewhere than at row 0; the rows
 * after the block move by the growth.
 *
 * @param index the new position of each parent row, distinct, each in {@code [0, size)}
 * @param size the grown dimension, at least {@code index.length}
 * @param offsets where the indexed block starts in the grown dimension of a parameter, by name (0 when not named)
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public record Growth(int[] index, int size, java.util.Map<String, Integer> offsets) {

    /**
     * A map whose block starts at row 0 of every parameter.
     *
     * @param index the new position of each parent row
     * @param size the grown dimension
     */
    public Growth(int[] index, int size) {
        this(index, size, java.util.Map.of());
    }

    /**
     * This map with the indexed block of one parameter's grown dimension starting at {@code offset}.
     *
     * @param parameter the parameter's name
     * @param offset the first row (or column) of its indexed block
     * @return the new map
     */
    public Growth withOffset(String parameter, int offset) {
        java.util.Map<String, Integer> o = new java.util.HashMap<>(offsets);
        o.put(parameter, offset);
        return new Growth(index, size, o);
    }

    /**
     * Where row {@code i} of a parent's grown dimension goes in the child.
     *
     * @param parameter the parameter
     * @param i the parent's row
     * @return the child's row: unchanged before the block, mapped in it, shifted by the growth after it
     */
    public int rowOf(String parameter, int i) {
        int offset = offsets.getOrDefault(parameter, 0);
        if (i < offset) {
            return i;
        }
        if (i < offset + index.length) {
            return offset + index[i - offset];
        }
        return i + size - index.length;
    }

    /** Checks and copies the map. */
    public Growth {
        offsets = java.util.Map.copyOf(offsets);
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
        return o instanceof Growth g && g.size == size && Arrays.equals(g.index, index) && g.offsets.equals(offsets);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * size + Arrays.hashCode(index)) + offsets.hashCode();
    }

    @Override
    public String toString() {
        return "Growth[" + index.length + " -> " + size + "]";
    }
}

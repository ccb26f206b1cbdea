package dev.nova.kit.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one policy kit's layers keep their per-shape buffers under: the buffers of the {@value #SHAPES} shapes used
 * last (a training batch and an epoch's last, smaller batch, or an evaluation batch), a further shape evicting the
 * one used least recently, whose native memory the collector then frees. A layer is used with one shape at a time
 * in every first-party model, so two shapes never thrash; a third kept would only hold native memory.
 *
 * @param <V> the buffers of one shape
 */
final class ShapeCache<V> {

    /** How many shapes' buffers a layer keeps. */
    static final int SHAPES = 2;

    private final Map<Long, V> entries = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
            return size() > SHAPES;
        }
    };

    /**
     * The buffers of a shape, made when the shape is new.
     *
     * @param rows the first dimension (a batch, or rows)
     * @param columns the second dimension (time steps), 0 when there is none
     * @param make makes the shape's buffers
     * @return the buffers
     */
    V get(int rows, int columns, Supplier<V> make) {
        return entries.computeIfAbsent(((long) rows << 32) | (columns & 0xffffffffL), k -> make.get());
    }

    /** How many shapes are kept now (tests). */
    int size() {
        return entries.size();
    }
}

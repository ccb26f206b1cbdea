package dev.nova.kit.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The buffers that live through one call of one layer (a forward or a backward pass, nothing kept between them),
 * shared by every layer of a model through its {@link ParamSet}: a model holds each such buffer once instead of once
 * per layer. On the attention plugin's parity configuration (four blocks, 32 windows of 128) the per-layer copies
 * were about 130 MB of Java arrays and 70 MB of native ones.
 *
 * <p>A buffer is named by its owner ({@code "attention.qkv"}); a layer takes its buffers after it has called any
 * other layer and uses them only until it returns, so two layers never hold the same buffer at once, and a buffer
 * passed to another layer is one that layer only reads. What a layer's backward pass needs from its forward pass,
 * and what it returns, stays its own.
 *
 * <p>Like the layers, a scratch is used by one thread at a time. A Java buffer's name has one array, as long as the
 * longest asked for (layers of several widths share it); a native buffer's name keeps the arrays of its last
 * {@value #SHAPES} shapes (a training batch and a smaller last batch, as {@link ShapeCache} does), since a native
 * array has an exact shape.
 */
final class Scratch {

    /** How many sizes each name keeps. */
    static final int SHAPES = ShapeCache.SHAPES;

    private final DataType type;
    private final Map<String, Vec> vecs = new HashMap<>();
    private final Map<String, Map<List<Long>, Object>> arrays = new HashMap<>();

    Scratch(DataType type) {
        this.type = type;
    }

    /**
     * A Java buffer of {@code n} values in the model's type; its values are whatever it held last. Each name has one
     * array, as long as the longest asked for (layers of several widths share it).
     *
     * @param name the owner's name for it
     * @param n its length
     * @return the buffer
     */
    Vec vec(String name, int n) {
        Vec v = vecs.get(name);
        if (v == null || v.capacity() < n) {
            v = Vec.of(type, n);
            vecs.put(name, v);
        }
        return v.prefix(n);
    }

    /**
     * A native row-major array of the model's type; its values are whatever it held last.
     *
     * @param name the owner's name for it
     * @param shape its shape
     * @return the array
     */
    INDArray array(String name, long... shape) {
        return (INDArray) get(arrays, name, Arrays.stream(shape).boxed().toList(), () -> Nd4j.create(type, shape));
    }

    private static Object get(Map<String, Map<List<Long>, Object>> buffers, String name, List<Long> shape,
                              Supplier<Object> make) {
        return buffers.computeIfAbsent(name, k -> new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Long>, Object> eldest) {
                return size() > SHAPES;
            }
        }).computeIfAbsent(shape, k -> make.get());
    }
}

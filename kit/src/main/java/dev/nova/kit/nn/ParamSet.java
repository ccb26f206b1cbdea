package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model's parameters by name, in a fixed order, each with a gradient array of the same shape. Layers register
 * their parameters here when they are built (drawing initial values from the set's one random source, in
 * order) and write their gradients into it on each backward pass; the optimiser updates the parameters in place;
 * checkpoints save and load them in order with shape checks.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ParamSet {

    /** Set while a model whose every parameter is read next is built ({@link #withoutInitialValues}). */
    private static final ThreadLocal<Boolean> NO_INITIAL_VALUES = ThreadLocal.withInitial(() -> false);

    private final DataType type;
    private final Random random;
    private final LinkedHashMap<String, INDArray> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, INDArray> grads = new LinkedHashMap<>();
    /** The parameters never change again ({@link #fix}). */
    private boolean fixed;
    /** The parameters an optimiser keeps fixed ({@link #markFrozen}). */
    private final java.util.Set<String> frozen = new java.util.HashSet<>();
    private final Scratch scratch;

    /**
     * Creates an empty set.
     *
     * @param type {@code FLOAT} (training) or {@code DOUBLE} (gradient checks)
     * @param seed the seed of the initial values
     */
    public ParamSet(DataType type, long seed) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("parameters are FLOAT or DOUBLE, found " + type);
        }
        this.type = type;
        this.random = new Random(seed);
        this.scratch = new Scratch(type);
    }

    /** The buffers the model's layers share for the length of one call ({@link Scratch}). */
    Scratch scratch() {
        return scratch;
    }

    /**
     * A {@code FLOAT} set.
     *
     * @param seed the seed of the initial values
     * @return the set
     */
    public static ParamSet floats(long seed) {
        return new ParamSet(DataType.FLOAT, seed);
    }

    /** The data type of every parameter and gradient. */
    public DataType type() {
        return type;
    }

    /**
     * Adds a {@code [rows, cols]} parameter drawn with {@code init}, and its zero gradient.
     *
     * @param name a name not used yet
     * @param rows rows
     * @param cols columns
     * @param init how to draw its values
     * @return the parameter
     */
    public INDArray add(String name, int rows, int cols, Init init) {
        if (params.containsKey(name)) {
            throw new IllegalArgumentException("parameter " + name + " is already defined");
        }
        if (NO_INITIAL_VALUES.get()) {
            // The values are read next; the gradient is made when something first asks for it (a model restored to
            // generate never does: GPT-2 small's 500 MB of gradients were allocated and zeroed for nothing).
            INDArray p = Nd4j.createUninitialized(type, rows, cols);
            params.put(name, p);
            grads.put(name, null);
            return p;
        }
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = init.next(random);
        }
        INDArray p = Buffers.matrix(type, v, rows, cols);
        params.put(name, p);
        grads.put(name, Nd4j.zeros(type, rows, cols));
        return p;
    }

    /**
     * Builds something whose parameters are all read next ({@link #read}, as a restore does): the sets it makes on
     * this thread start at zero, drawing no initial values (a 124M-parameter model spent 8 s drawing values it then
     * overwrote). Their random streams are not advanced, so nothing else may draw from them.
     *
     * @param build what builds the model
     * @param <T> what it returns
     * @return what it built
     * @throws IOException what it throws
     */
    public static <T> T withoutInitialValues(IoSupplier<T> build) throws IOException {
        boolean outer = NO_INITIAL_VALUES.get();
        NO_INITIAL_VALUES.set(true);
        try {
            return build.get();
        } finally {
            NO_INITIAL_VALUES.set(outer);
        }
    }

    /**
     * A supplier that may throw {@link IOException}.
     *
     * @param <T> what it supplies
     */
    @FunctionalInterface
    public interface IoSupplier<T> {
        /**
         * Supplies.
         *
         * @return the value
         * @throws IOException if reading fails
         */
        T get() throws IOException;
    }

    /**
     * A parameter.
     *
     * @param name its name
     * @return the array, updated in place by the optimiser
     */
    public INDArray get(String name) {
        INDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name + "; defined: " + params.keySet());
        }
        return p;
    }

    /**
     * A parameter's gradient.
     *
     * @param name its name
     * @return the array layers write into
     */
    public INDArray grad(String name) {
        INDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name + "; defined: " + params.keySet());
        }
        INDArray g = grads.get(name);
        if (g == null) {
            g = Nd4j.zeros(type, p.rows(), p.columns());
            grads.put(name, g);
        }
        return g;
    }

    /** Every gradient, made where none was yet. */
    private java.util.Collection<INDArray> allGrads() {
        params.keySet().forEach(this::grad);
        return grads.values();
    }

    /** The names, in order. */
    public List<String> names() {
        return List.copyOf(params.keySet());
    }

    /** The parameters by name, in order (unmodifiable; the arrays themselves are live). */
    public Map<String, INDArray> params() {
        return Collections.unmodifiableMap(params);
    }

    /** The gradients by name, in order (unmodifiable; the arrays themselves are live). */
    public Map<String, INDArray> grads() {
        allGrads();
        return Collections.unmodifiableMap(grads);
    }

    /** The number of parameter values. */
    public long size() {
        return params.values().stream().mapToLong(INDArray::length).sum();
    }

    /**
     * Copies every parameter, in order, into one flat array.
     *
     * @param target {@link #size()} values
     * @since 0.2
     */
    public void readValues(float[] target) {
        copyOut(params.values(), target);
    }

    /**
     * Sets every parameter, in order, from one flat array (the inverse of {@link #readValues}).
     *
     * @param source {@link #size()} values
     * @since 0.2
     */
    public void writeValues(float[] source) {
        requireChangeable();
        copyIn(source, params.values());
    }

    /**
     * Copies every gradient, in the parameters' order, into one flat array.
     *
     * @param target {@link #size()} values
     * @since 0.2
     */
    public void readGradients(float[] target) {
        copyOut(allGrads(), target);
    }

    /**
     * Sets every gradient, in the parameters' order, from one flat array.
     *
     * @param source {@link #size()} values
     * @since 0.2
     */
    public void writeGradients(float[] source) {
        copyIn(source, allGrads());
    }

    private void copyOut(Iterable<INDArray> arrays, float[] target) {
        checkLength(target.length);
        int at = 0;
        for (INDArray a : arrays) {
            int n = (int) a.length();
            float[] part = Buffers.read(a, new float[n]);
            System.arraycopy(part, 0, target, at, n);
            at += n;
        }
    }

    private void copyIn(float[] source, Iterable<INDArray> arrays) {
        checkLength(source.length);
        int at = 0;
        for (INDArray a : arrays) {
            int n = (int) a.length();
            Buffers.write(Arrays.copyOfRange(source, at, at + n), a);
            at += n;
        }
    }

    private void checkLength(int length) {
        if (length != size()) {
            throw new IllegalArgumentException("a flat array of " + length + " values for " + size() + " parameters");
        }
    }

    /**
     * Copies a parent model's parameters into this set (fine-tuning): every parameter of this set must exist in the
     * parent with the same shape, except that a dimension may be longer here by the growth
     * ({@code growth.size() - growth.parentSize()}), in which case the parent's rows (or columns) go where
     * {@code growth} maps them ({@link Growth#rowOf}) and the others keep their values (their fresh initialisation).
     *
     * @param parent the parent's parameters
     * @param growth where the parent's indexed rows go
     * @return the names of the parameters that grew
     * @throws IllegalArgumentException naming a parameter that the parent lacks or whose shape does not fit
     * @since 1.3
     */
    public List<String> copyFrom(ParamSet parent, Growth growth) {
        List<String> grown = new java.util.ArrayList<>();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray from = parent.params.get(e.getKey());
            if (from == null) {
                throw new IllegalArgumentException("the parent model has no parameter " + e.getKey() + "; it has "
                        + parent.params.keySet());
            }
            INDArray to = e.getValue();
            long[] a = from.shape();
            long[] b = to.shape();
            if (Arrays.equals(a, b)) {
                to.assign(from.castTo(type));
                continue;
            }
            if (a.length != 2 || b.length != 2) {
                throw mismatch(e.getKey(), a, b);
            }
            boolean rows = a[0] != b[0];
            boolean cols = a[1] != b[1];
            long by = growth.size() - growth.parentSize();
            String name = e.getKey();
            boolean rowsGrow = rows && by > 0 && b[0] - a[0] == by && a[0] >= growth.parentSize();
            boolean colsGrow = cols && by > 0 && b[1] - a[1] == by && a[1] >= growth.parentSize();
            if ((rows && !rowsGrow) || (cols && !colsGrow)) {
                throw mismatch(e.getKey(), a, b);
            }
            double[] src = Buffers.read(from, new double[(int) from.length()]);
            double[] dst = Buffers.read(to, new double[(int) to.length()]);
            int pc = (int) a[1];
            int cc = (int) b[1];
            for (int r = 0; r < a[0]; r++) {
                int rr = rowsGrow ? growth.rowOf(name, r) : r;
                for (int c = 0; c < pc; c++) {
                    dst[rr * cc + (colsGrow ? growth.rowOf(name, c) : c)] = src[r * pc + c];
                }
            }
            to.assign(Buffers.matrix(type, dst, b[0], b[1]));
            grown.add(e.getKey());
        }
        return grown;
    }

    private static IllegalArgumentException mismatch(String name, long[] parent, long[] child) {
        return new IllegalArgumentException("parameter " + name + " is " + Arrays.toString(parent)
                + " in the parent model and " + Arrays.toString(child) + " in the configured one");
    }

    /**
     * Records that an optimiser keeps these parameters fixed: a network may then leave out the parts of its backward
     * pass that only they need ({@link #isFrozen}). Their gradients are then left as they were.
     *
     * @param names the parameters' names
     * @since 1.4
     */
    public void markFrozen(java.util.Collection<String> names) {
        frozen.addAll(names);
    }

    /**
     * Whether every parameter whose name starts with {@code prefix} is frozen ({@link #markFrozen}).
     *
     * @param prefix a name, or the start of names ({@code "block.3."})
     * @return true when there is at least one such parameter and all are frozen
     * @since 1.4
     */
    public boolean isFrozen(String prefix) {
        boolean any = false;
        for (String name : params.keySet()) {
            if (name.startsWith(prefix)) {
                if (!frozen.contains(name)) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /**
     * Declares that the parameters never change again (a model restored for generation only): snapshots for sampling
     * may then use their memory instead of a copy ({@link #isFixed}).
     *
     * @since 1.4
     */
    public void fix() {
        fixed = true;
    }

    /**
     * Whether the parameters never change again ({@link #fix}).
     *
     * @return true once fixed
     * @since 1.4
     */
    public boolean isFixed() {
        return fixed;
    }

    private void requireChangeable() {
        if (fixed) {
            throw new IllegalStateException("the parameters of a model restored for generation only do not change");
        }
    }

    /** Sets every gradient to zero. */
    public void zeroGrads() {
        allGrads().forEach(g -> g.assign(0));
    }

    /**
     * Writes every parameter, in order, in ND4J's binary format.
     *
     * @param out the stream
     * @throws IOException if writing fails, or a parameter is NaN or infinite (a diverged model is never saved)
     */
    public void write(DataOutputStream out) throws IOException {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            ArrayIo.write(e.getValue(), out, "parameter " + e.getKey());      // checked finite as it is written
        }
    }

    /**
     * Reads what {@link #write} wrote into the parameters, checking each shape.
     *
     * @param in the stream
     * @throws IOException if it is truncated, unreadable, shaped for another model or holds values that are not
     *     finite; the message names the parameter
     */
    public void read(DataInputStream in) throws IOException {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            // Straight into the parameter's native memory, checked on the way.
            ArrayIo.readInto(in, e.getValue(), "parameter " + e.getKey(), true);
        }
    }

    /**
     * Writes values as {@link Nd4j#write} writes a C-ordered float array of that shape made from them (in bulk): what
     * an optimiser's moments, kept as Java arrays, are saved as.
     *
     * @param values the values
     * @param shape their shape
     * @param out the stream
     * @throws IOException if writing fails
     */
    public static void writeArray(float[] values, long[] shape, DataOutputStream out) throws IOException {
        ArrayIo.write(values, shape, out);
    }

    /**
     * Reads, into {@code into}, a float array that {@link #writeArray} or {@link Nd4j#write} wrote, of the shape of
     * {@code like}.
     *
     * @param in the stream
     * @param like an array of the expected shape (float)
     * @param into where the values go, C order
     * @param what what it is, for messages
     * @throws IOException if it is unreadable or of another shape
     */
    public static void readArray(DataInputStream in, INDArray like, float[] into, String what) throws IOException {
        Object values = ArrayIo.read(in, like, what);
        float[] f = values instanceof float[] v ? v : null;
        if (f == null || f.length != into.length) {
            throw new IOException("unreadable array for " + what + " (not " + into.length + " floats)");
        }
        System.arraycopy(f, 0, into, 0, f.length);
    }

    /**
     * Writes what {@link #writeArray} writes for values that are all zero, without an array of them.
     *
     * @param shape the shape
     * @param out the stream
     * @throws IOException if writing fails
     * @since 1.4
     */
    public static void writeZeros(long[] shape, DataOutputStream out) throws IOException {
        ArrayIo.writeZeros(shape, out);
    }

    /**
     * Reads past one array that {@link #writeArray} or {@link Nd4j#write} wrote, checking that it has the shape of
     * {@code like}, keeping nothing.
     *
     * @param in the stream
     * @param like an array of the expected shape
     * @param what what it is, for messages
     * @throws IOException if it is unreadable or of another shape
     * @since 1.4
     */
    public static void skipArray(DataInputStream in, INDArray like, String what) throws IOException {
        ArrayIo.read(in, like, what);
    }

    /**
     * Reads one array written with {@link Nd4j#write} (ND4J's format, read in bulk) and checks that it has the shape of
     * {@code like}.
     *
     * @param in the stream
     * @param like an array of the expected shape
     * @param what what it is, for messages
     * @return the array read
     * @throws IOException if it is unreadable or of another shape
     */
    public static INDArray readArray(DataInputStream in, INDArray like, String what) throws IOException {
        Object values = ArrayIo.read(in, like, what);
        return values instanceof float[] f ? Nd4j.create(f, like.shape(), 'c') : Nd4j.create((double[]) values,
                like.shape(), 'c');
    }
}

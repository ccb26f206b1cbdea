package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The names and shapes of a model's parameters, in the order its {@link ParamSet} holds them, known without building
 * the model: what a payload's parameters are read against when the model is restored only to generate, in Java alone
 * ({@link #read}), so that sampling a small model never starts ND4J (its native libraries take a third of a second
 * to load, most of {@code nova generate}'s start-up). A network states its layout beside its constructor (kit's
 * {@link TokenGru#layout}); its tests check it against the set the constructor builds ({@link #of(ParamSet)}).
 *
 * @since 1.5
 */
@API(status = EXPERIMENTAL, since = "1.5")
public final class ParamLayout {

    /**
     * One parameter.
     *
     * @param name its name in the set
     * @param rows rows
     * @param cols columns
     */
    public record Entry(String name, int rows, int cols) {

        /** Its shape, as a payload records it. */
        public long[] shape() {
            return new long[] {rows, cols};
        }

        /** Its number of values. */
        public int length() {
            return Math.multiplyExact(rows, cols);
        }
    }

    private final List<Entry> entries;

    private ParamLayout(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** A layout of no parameters, to add to ({@link #with}). */
    public static ParamLayout empty() {
        return new ParamLayout(List.of());
    }

    /**
     * The names and shapes of a set's parameters, in order.
     *
     * @param set the parameters
     * @return their layout
     */
    public static ParamLayout of(ParamSet set) {
        ParamLayout layout = empty();
        for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : set.params().entrySet()) {
            layout = layout.with(e.getKey(), (int) e.getValue().rows(), (int) e.getValue().columns());
        }
        return layout;
    }

    /**
     * This layout and one more parameter after it.
     *
     * @param name a name not used yet
     * @param rows rows
     * @param cols columns
     * @return the longer layout
     */
    public ParamLayout with(String name, int rows, int cols) {
        if (entries.stream().anyMatch(e -> e.name().equals(name))) {
            throw new IllegalArgumentException("parameter " + name + " is already defined");
        }
        List<Entry> more = new ArrayList<>(entries);
        more.add(new Entry(name, rows, cols));
        return new ParamLayout(more);
    }

    /**
     * This layout and another's parameters after it.
     *
     * @param more the parameters that follow
     * @return the longer layout
     */
    public ParamLayout with(ParamLayout more) {
        ParamLayout all = this;
        for (Entry e : more.entries) {
            all = all.with(e.name(), e.rows(), e.cols());
        }
        return all;
    }

    /** The parameters, in order. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Reads what {@link ParamSet#write} wrote for a set of this layout, in Java alone: no ND4J class is initialised.
     *
     * @param in the payload, at the first parameter
     * @return each parameter's values in C order ({@code [rows, cols]} row-major), by name, in order
     * @throws IOException if it is truncated, unreadable, shaped for another model or holds values that are not
     *     finite; the message names the parameter, as {@link ParamSet#read} does
     */
    public Map<String, float[]> read(DataInputStream in) throws IOException {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Entry e : entries) {
            values.put(e.name(), ArrayIo.readFloats(in, e.shape(), "parameter " + e.name(), true));
        }
        return values;
    }

    /**
     * Reads past arrays of this layout's shapes, {@code perParameter} for each parameter in turn (an optimiser's
     * moments), checking each one's header, keeping nothing, in Java alone.
     *
     * @param in the stream
     * @param perParameter arrays written per parameter
     * @param what what they are ("moment of"), for messages
     * @throws IOException if it is truncated, unreadable or shaped for another model
     */
    public void skip(DataInputStream in, int perParameter, String what) throws IOException {
        for (Entry e : entries) {
            for (int k = 0; k < perParameter; k++) {
                ArrayIo.skip(in, e.shape(), what + " " + e.name());
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamLayout l && l.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}

package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.nn.ParamSet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apiguardian.api.API;

/**
 * What a checkpoint must hold for training to resume exactly: the run's seed, the step, the parameters and the
 * optimiser's moments, in that order (the order payload format 1 of the first-party plugins uses).
 *
 * @param seed the run's seed
 * @param step steps done
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TrainingState(long seed, long step) {

    /**
     * Writes the state.
     *
     * @param out the payload
     * @param params the parameters
     * @param optimizer the optimiser
     * @throws IOException if writing fails
     */
    public void write(DataOutputStream out, ParamSet params, Adam optimizer) throws IOException {
        out.writeLong(seed);
        out.writeLong(step);
        params.write(out);
        optimizer.write(out);
    }

    /**
     * Reads what {@link #write} wrote into the parameters and the optimiser.
     *
     * @param in the payload
     * @param params the parameters, read in place (shapes checked)
     * @param optimizer the optimiser, read in place
     * @return the seed and step read
     * @throws IOException if it is truncated or does not fit the model
     */
    public static TrainingState read(DataInputStream in, ParamSet params, Adam optimizer) throws IOException {
        long seed = in.readLong();
        long step = in.readLong();
        params.read(in);
        optimizer.read(in);
        return new TrainingState(seed, step);
    }

    /**
     * What is written in the step's place when the optimiser's moments are kept apart from the parameters
     * ({@link #writeApart}); the step follows it. A step is never negative, so a payload says which layout it has.
     */
    static final long APART = -2;

    /**
     * Writes the state without the optimiser's moments, which {@link #writeMoments} writes elsewhere.
     *
     * @param out the payload
     * @param params the parameters
     * @throws IOException if writing fails
     * @since 1.4
     */
    public void writeApart(DataOutputStream out, ParamSet params) throws IOException {
        out.writeLong(seed);
        out.writeLong(APART);
        out.writeLong(step);
        params.write(out);
    }

    /**
     * Writes the optimiser's moments, after the seed and step they belong to.
     *
     * @param out the training state's stream
     * @param optimizer the optimiser
     * @throws IOException if writing fails
     * @since 1.4
     */
    public void writeMoments(DataOutputStream out, Adam optimizer) throws IOException {
        out.writeLong(seed);
        out.writeLong(step);
        // An optimiser that never stepped (an imported model, a fresh run) has zero moments: none are written.
        out.writeBoolean(optimizer.hasState());
        if (optimizer.hasState()) {
            optimizer.write(out);
        }
    }

    /**
     * Reads what {@link #write} or {@link #writeApart} wrote into the parameters; inline moments are read into the
     * optimiser when {@code moments} is true, and passed over otherwise.
     *
     * @param in the payload
     * @param params the parameters, read in place (shapes checked)
     * @param optimizer the optimiser
     * @param moments whether to keep inline moments
     * @return the seed and step read, and whether the moments are kept apart
     * @throws IOException if it is truncated or does not fit the model
     * @since 1.4
     */
    public static Read read(DataInputStream in, ParamSet params, Adam optimizer, boolean moments) throws IOException {
        Read read = header(in);
        params.read(in);
        if (!read.apart()) {
            if (moments) {
                optimizer.read(in);
            } else {
                optimizer.skip(in);
            }
        }
        return read;
    }

    /** The seed, then the step, after {@link #APART} when the moments are kept apart. */
    private static Read header(DataInputStream in) throws IOException {
        long seed = in.readLong();
        long step = in.readLong();
        boolean apart = step == APART;
        if (apart) {
            step = in.readLong();
        }
        if (step < 0) {
            throw new IOException("step " + step + " is negative");
        }
        return new Read(new TrainingState(seed, step), apart);
    }

    /**
     * Reads what {@link #write} or {@link #writeApart} wrote for parameters of the given layout, in Java alone (no ND4J
     * class is initialised): the parameters into plain arrays, inline moments passed over. What a model restored only
     * to generate reads when it builds its network on first use ({@link TrainingCore.Deferred}).
     *
     * @param in the payload
     * @param layout the parameters' names and shapes
     * @return the seed and step read, and the parameters' values by name
     * @throws IOException if it is truncated or does not fit the layout (the message names the parameter)
     * @since 1.5
     */
    public static Values readValues(DataInputStream in, dev.nova.kit.nn.ParamLayout layout) throws IOException {
        Read read = header(in);
        java.util.Map<String, float[]> values = layout.read(in);
        if (!read.apart()) {
            Adam.skip(in, layout);
        }
        return new Values(read.state(), values);
    }

    /**
     * What {@link #readValues} found.
     *
     * @param state the seed and step
     * @param values each parameter's values in C order, by name, in the layout's order
     * @since 1.5
     */
    public record Values(TrainingState state, java.util.Map<String, float[]> values) {
    }

    /**
     * Reads what {@link #writeMoments} wrote into the optimiser, checking that it belongs to this state.
     *
     * @param in the training state's stream
     * @param optimizer the optimiser, read in place (read the parameters first)
     * @throws IOException if it is truncated, does not fit the model, or belongs to another step or seed
     * @since 1.4
     */
    public void readMoments(DataInputStream in, Adam optimizer) throws IOException {
        long s = in.readLong();
        long t = in.readLong();
        if (s != seed || t != step) {
            throw new IOException("the training state is of step " + t + " (seed " + s + "), the parameters of step "
                    + step + " (seed " + seed + ")");
        }
        if (in.readBoolean()) {
            optimizer.read(in);
        }
    }

    /**
     * What {@link #read(DataInputStream, ParamSet, Adam, boolean)} found.
     *
     * @param state the seed and step
     * @param apart whether the optimiser's moments are kept apart ({@link #writeApart})
     * @since 1.4
     */
    public record Read(TrainingState state, boolean apart) {
    }
}

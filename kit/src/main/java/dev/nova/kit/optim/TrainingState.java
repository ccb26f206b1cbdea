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
}

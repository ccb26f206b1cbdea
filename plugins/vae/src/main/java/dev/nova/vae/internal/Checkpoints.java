package dev.nova.vae.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reading arrays from a checkpoint payload with shape checks. */
final class Checkpoints {

    /** The first bytes of every vae payload. */
    static final long MAGIC = 0x4e4f5641_56414531L;
    /** The payload format. */
    static final int FORMAT = 1;
    /** Written after the last array, so that a payload cut at an array boundary is still detected. */
    static final int END = 0x454e4421;

    private Checkpoints() {
    }

    static INDArray readArray(DataInputStream in, INDArray like, String what) throws IOException {
        INDArray a;
        try {
            a = Nd4j.read(in);
        } catch (RuntimeException e) {
            throw new IOException("unreadable array for " + what + " (" + e.getMessage() + ")", e);
        }
        if (!Arrays.equals(a.shape(), like.shape())) {
            throw new IOException(what + " has shape " + Arrays.toString(a.shape()) + ", the configured model needs "
                    + Arrays.toString(like.shape()));
        }
        return a;
    }
}

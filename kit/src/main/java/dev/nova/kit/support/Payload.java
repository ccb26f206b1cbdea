package dev.nova.kit.support;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.CheckpointException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * The framing of a checkpoint payload: a magic number, a format number, the plugin's body, an end marker.
 * Reading checks all three and turns truncation, a foreign payload, an unknown format and any other read failure
 * into a {@link CheckpointException} naming the plugin.
 *
 * <pre>{@code
 * Payload.write(ID, out, MAGIC, 2, d -> { d.writeLong(step); params.write(d); });
 * Model m = Payload.read(ID, in, MAGIC, new int[] {1, 2}, r -> restore(r.format(), r.in()));
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Payload {

    /** Written after the body, so that a payload cut at a value boundary is still detected. */
    public static final int END = 0x454e4421;

    private Payload() {
    }

    /** Writes a payload body. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the body.
         *
         * @param out the stream, after the header
         * @throws IOException if writing fails
         */
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a payload body. */
    @FunctionalInterface
    public interface Reader<T> {
        /**
         * Reads the body (not the end marker).
         *
         * @param format the payload's format number, one of those accepted
         * @param in the stream, after the header
         * @return what was read
         * @throws IOException if it is truncated or does not fit; the message says what was wrong
         */
        T read(int format, DataInputStream in) throws IOException;
    }

    /**
     * Writes a framed payload.
     *
     * @param pluginId for messages
     * @param out the stream the host owns (not closed)
     * @param magic the plugin's magic number
     * @param format the format written
     * @param body writes the body
     * @throws CheckpointException if writing fails
     */
    public static void write(String pluginId, OutputStream out, long magic, int format, Body body) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeLong(magic);
            d.writeInt(format);
            body.write(d);
            d.writeInt(END);
            d.flush();
        } catch (IOException e) {
            throw new CheckpointException(pluginId, "cannot write the model: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a one-line description of the model a payload holds and checks it against the configured one (every
     * setting that shapes the parameters), so that a checkpoint is never read into a model of another shape.
     *
     * @param pluginId for messages
     * @param in the payload, at the description
     * @param configured the configured model's description
     * @throws IOException if the payload is truncated
     * @throws CheckpointException naming both descriptions when they differ
     */
    public static void expectModel(String pluginId, DataInputStream in, String configured) throws IOException {
        String saved = in.readUTF();
        if (!saved.equals(configured)) {
            throw new CheckpointException(pluginId, "checkpoint holds a model with " + saved + "; the configuration asks"
                    + " for " + configured);
        }
    }

    /**
     * Reads a framed payload.
     *
     * @param pluginId for messages
     * @param in the stream the host owns (not closed)
     * @param magic the plugin's magic number
     * @param formats the formats this version reads
     * @param reader reads the body
     * @param <T> what the body yields
     * @return what the reader returned
     * @throws CheckpointException if the payload is foreign, of an unknown format, truncated or does not fit
     */
    public static <T> T read(String pluginId, InputStream in, long magic, int[] formats, Reader<T> reader) {
        DataInputStream d = new DataInputStream(in);
        try {
            if (d.readLong() != magic) {
                throw new CheckpointException(pluginId, "payload is not a " + pluginId + " checkpoint (wrong magic number)");
            }
            int format = d.readInt();
            if (Arrays.stream(formats).noneMatch(f -> f == format)) {
                throw new CheckpointException(pluginId, "payload format " + format + " is not supported; this version reads"
                        + " format " + (formats.length == 1 ? Integer.toString(formats[0]) : Arrays.toString(formats)));
            }
            T result = reader.read(format, d);
            if (d.readInt() != END) {
                throw new CheckpointException(pluginId, "payload is corrupt: missing end marker");
            }
            return result;
        } catch (EOFException e) {
            throw new CheckpointException(pluginId, "payload is truncated", e);
        } catch (UTFDataFormatException e) {
            throw new CheckpointException(pluginId, "payload is corrupt (bad text record)", e);
        } catch (IOException e) {
            throw new CheckpointException(pluginId, "payload is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * A payload stream that carries the stream for the model's training state beside it
     * ({@link dev.nova.api.GenerativeModel#save(OutputStream, OutputStream)}): what kit's
     * {@code TrainingCore.Holder} hands its model's {@code save(OutputStream)}, so that kit writes the optimiser's
     * moments apart from the parameters without the model knowing.
     *
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static final class Output extends java.io.FilterOutputStream {
        private final OutputStream trainingState;

        private Output(OutputStream payload, OutputStream trainingState) {
            super(payload);
            this.trainingState = trainingState;
        }

        /** The stream for the training state. */
        public OutputStream trainingState() {
            return trainingState;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }
    }

    /**
     * A payload stream that says whether the model is restored with its training state, and carries that state's
     * stream when it was written apart ({@link dev.nova.api.GeneratorProvider#restore(com.typesafe.config.Config,
     * dev.nova.api.ModelContext, InputStream, java.util.Optional)}).
     *
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static final class Input extends java.io.FilterInputStream {
        private final java.util.Optional<InputStream> trainingState;

        private Input(InputStream payload, java.util.Optional<InputStream> trainingState) {
            super(payload);
            this.trainingState = trainingState;
        }

        /** The training state's stream, or empty when the model is restored for generation and evaluation only. */
        public java.util.Optional<InputStream> trainingState() {
            return trainingState;
        }
    }

    /**
     * A payload stream whose training state goes to {@code trainingState}.
     *
     * @param payload the payload's stream
     * @param trainingState the training state's stream
     * @return the stream to hand the model's {@code save(OutputStream)}
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static OutputStream apart(OutputStream payload, OutputStream trainingState) {
        return new Output(payload, java.util.Objects.requireNonNull(trainingState, "trainingState"));
    }

    /**
     * A payload stream restored with the training state in {@code trainingState}, or for generation and evaluation
     * only when it is empty.
     *
     * @param payload the payload's stream
     * @param trainingState the training state's stream, or empty
     * @return the stream to hand the provider's restoring code
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static InputStream apart(InputStream payload, java.util.Optional<InputStream> trainingState) {
        return new Input(payload, java.util.Objects.requireNonNull(trainingState, "trainingState"));
    }
}

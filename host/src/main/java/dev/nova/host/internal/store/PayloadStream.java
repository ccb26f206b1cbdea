package dev.nova.host.internal.store;

import dev.nova.host.internal.support.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The stream a plugin writes its payload into: it counts and digests what passes for the manifest, ignores the
 * plugin's {@code close()} (the checkpoint's zip entry is the host's), and remembers a failure of the disk under it,
 * so that a full or read-only disk is reported as the run's error even when it reached the plugin first.
 */
final class PayloadStream extends FilterOutputStream {

    private final MessageDigest digest = Sha256.digest();
    private long size;
    private IOException sinkFailure;

    PayloadStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw failed(e);
        }
        digest.update((byte) b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw failed(e);
        }
        digest.update(b, off, len);
        size += len;
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    private IOException failed(IOException e) {
        sinkFailure = e;
        return e;
    }

    /** Throws the disk's failure, if the payload's writer met one (whether or not it let it through). */
    void rethrowSinkFailure() throws IOException {
        if (sinkFailure != null) {
            throw sinkFailure;
        }
    }

    byte[] sha256() {
        return digest.digest();
    }

    long size() {
        return size;
    }

    /** Opens the next entry; may fail as the zip does. */
    @FunctionalInterface
    interface Switch {
        void run() throws IOException;
    }

    /**
     * The two streams of {@link dev.nova.api.GenerativeModel#save(OutputStream, OutputStream)} over one zip, whose
     * entries are written one after the other: the first byte of the second ends the first's entry and opens the
     * second's; a write to the first after that fails (and is reported even when the plugin swallows it).
     */
    static final class Handover {
        private final PayloadStream first;
        private final PayloadStream second;
        private final Switch toSecond;
        private boolean switched;
        private IOException failure;

        Handover(PayloadStream first, PayloadStream second, Switch toSecond) {
            this.first = first;
            this.second = second;
            this.toSecond = toSecond;
        }

        OutputStream first() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    check();
                    first.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    check();
                    first.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    if (!switched) {
                        first.flush();
                    }
                }

                private void check() throws IOException {
                    if (switched) {
                        failure = new IOException("the plugin wrote to its payload after its training state (the"
                                + " payload must be written whole first)");
                        throw failure;
                    }
                }
            };
        }

        OutputStream second() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    open();
                    second.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    open();
                    second.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    if (switched) {
                        second.flush();
                    }
                }
            };
        }

        private void open() throws IOException {
            if (!switched) {
                first.flush();
                switched = true;
                toSecond.run();
            }
        }

        /** Opens the second entry if nothing was written to it (it is then empty). */
        void finish() throws IOException {
            open();
        }

        /** Throws an ordering failure the plugin may have swallowed. */
        void rethrow() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }
    }
}

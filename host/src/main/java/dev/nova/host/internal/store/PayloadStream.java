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
}

package dev.nova.host.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A stream that reads its source on a thread of its own, a few chunks ahead of its reader, and checks the bytes on a
 * third: a large checkpoint entry is inflated and CRC-checked, and hashed, while the plugin turns the bytes before into
 * parameters (GPT-2 small's 500 MB of parameters: read in 1.55 s in line, see the closing note of issue 46).
 *
 * <p>Only the read-ahead thread touches the source until it stops; {@link #close()} stops it, then closes the source.
 * A failure of the source (a digest that does not match, a truncated entry) reaches the reader where it occurred.
 */
final class ReadAhead extends InputStream {

    /** The size of a chunk read ahead. */
    static final int CHUNK = 1 << 20;
    /** How many chunks may wait for the reader: memory held at most, in chunks. */
    static final int AHEAD = 8;

    private static final byte[] END = new byte[0];

    /**
     * What checks the bytes, on a thread of its own (a SHA-256 costs about as much as reading the entry: on two
     * cores the reader, the inflater and the digest share the work).
     */
    interface Check {
        /** Takes the next bytes; never called after {@link #finish}. */
        void update(byte[] bytes, int length);

        /** Called once after the last bytes; throws if they are not what was expected. */
        void finish() throws IOException;
    }

    private final InputStream source;
    private final Check check;
    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(AHEAD);
    private final BlockingQueue<Object> toCheck = new ArrayBlockingQueue<>(AHEAD);
    private final Thread thread;
    private final Thread checker;
    private byte[] current = new byte[0];
    private int position;
    private int limit;
    private boolean ended;
    private volatile boolean closed;

    /**
     * A checkpoint entry's bytes read ahead: its size checked as they come (a longer entry stops at the first byte
     * past {@code limit}), its SHA-256 computed on a thread of its own and compared with {@code sha256} at the end.
     *
     * @param entry the entry's stream
     * @param what names it in messages ("checkpoint F: payload")
     * @param name the entry's name, for the threads
     * @param sha256 the expected digest in hex, or {@code null} for none (format 1)
     * @param limit its declared size
     * @return the stream
     */
    static ReadAhead verified(InputStream entry, String what, String name, String sha256, long limit) {
        InputStream bounded = new java.io.FilterInputStream(entry) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    read += n;
                    if (read > limit) {
                        throw new IOException(what + " is longer than its manifest says");
                    }
                }
                return n;
            }
        };
        Check check = sha256 == null ? null : new Check() {
            private final java.security.MessageDigest digest = dev.nova.host.internal.support.Sha256.digest();

            @Override
            public void update(byte[] bytes, int length) {
                digest.update(bytes, 0, length);
            }

            @Override
            public void finish() throws IOException {
                if (!sha256.equalsIgnoreCase(java.util.HexFormat.of().formatHex(digest.digest()))) {
                    throw new IOException(what + " does not match the SHA-256 in its manifest");
                }
            }
        };
        return new ReadAhead(bounded, name, check);
    }

    ReadAhead(InputStream source, String name, Check check) {
        this.source = source;
        this.check = check;
        this.thread = new Thread(this::fill, "nova-read-ahead " + name);
        thread.setDaemon(true);
        this.checker = check == null ? null : new Thread(this::checkAll, "nova-check " + name);
        if (checker != null) {
            checker.setDaemon(true);
            checker.start();
        }
        thread.start();
    }

    /** The checking thread: every chunk in order, then the verdict (null when the bytes are as expected). */
    private final BlockingQueue<Object> verdict = new ArrayBlockingQueue<>(1);

    private void checkAll() {
        Object result = null;
        try {
            for (Object o = toCheck.take(); o != END; o = toCheck.take()) {
                Chunk c = (Chunk) o;
                check.update(c.bytes(), c.length());
            }
            check.finish();
        } catch (IOException | RuntimeException e) {
            result = e;
        } catch (InterruptedException e) {
            return;
        }
        verdict.offer(result == null ? END : result);
    }

    private void fill() {
        try {
            while (!closed) {
                byte[] chunk = new byte[CHUNK];
                int n = 0;
                for (int r; n < CHUNK && (r = source.read(chunk, n, CHUNK - n)) > 0; ) {
                    n += r;
                }
                if (n > 0) {
                    Chunk c = new Chunk(chunk, n);
                    if (checker != null) {
                        toCheck.put(c);
                    }
                    chunks.put(c);
                }
                if (n < CHUNK) {
                    if (checker != null) {
                        // The end reaches the reader once the check has passed, or as the check's failure.
                        toCheck.put(END);
                        Object v = verdict.take();
                        if (v != END) {
                            chunks.put(v);
                            return;
                        }
                    }
                    chunks.put(END);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            offer(e);
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void offer(Exception e) {
        try {
            chunks.put(e);
        } catch (InterruptedException ignored) {
            // closed meanwhile: nobody reads the failure
        }
    }

    private record Chunk(byte[] bytes, int length) {
    }

    /** Makes a chunk current; false at the end. */
    private boolean next() throws IOException {
        if (ended) {
            return false;
        }
        Object o;
        try {
            o = chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a checkpoint");
        }
        if (o == END) {
            ended = true;
            return false;
        }
        if (o instanceof IOException e) {
            ended = true;
            throw new IOException(e.getMessage(), e);
        }
        if (o instanceof RuntimeException e) {
            ended = true;
            throw e;
        }
        Chunk c = (Chunk) o;
        current = c.bytes();
        position = 0;
        limit = c.length();
        return true;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !next()) {
            return -1;
        }
        return current[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == limit && !next()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        if (checker != null) {
            checker.interrupt();
        }
        try {
            thread.join();
            if (checker != null) {
                checker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            chunks.clear();
            source.close();
        }
    }
}

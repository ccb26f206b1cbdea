package dev.nova.vae.internal;

import java.util.stream.IntStream;

/**
 * Element-wise loops split across the cores in fixed chunks. Chunk boundaries depend only on the length, and
 * partial sums are added in chunk order, so results do not depend on the thread count or scheduling.
 */
final class Parallel {

    /** Elements per chunk: large enough that forking costs little, small enough to balance two cores. */
    static final int CHUNK = 1 << 14;

    /** A loop body over {@code [from, to)}. */
    interface Body {
        void run(int from, int to);
    }

    /** A loop body over {@code [from, to)} that returns a partial sum. */
    interface SumBody {
        double run(int from, int to);
    }

    private Parallel() {
    }

    static void forRange(int n, Body body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }

    static double sum(int n, SumBody body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks <= 1) {
            return body.run(0, n);
        }
        double[] partial = new double[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> partial[c] = body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
        double s = 0;
        for (double v : partial) {
            s += v;
        }
        return s;
    }
}

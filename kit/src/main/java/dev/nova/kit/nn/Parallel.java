package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apiguardian.api.API;

/**
 * Loops split across the machine's cores, with results that do not depend on the number of threads.
 *
 * <p>{@link #forRange} and {@link #sum} cut {@code [0, n)} into chunks whose boundaries depend only on {@code n}
 * and the grain, and {@link #sum} adds the chunks' partial sums in chunk order: the same bits with 1, 2 or 64
 * threads. {@link #forParts} splits into one part per thread, for work whose items are independent of each other
 * (rows of a batch), where the split cannot change a result.
 *
 * <p>Loops run on the common fork-join pool with the calling thread taking part, so a 2-core machine uses both
 * cores; {@link #withThreads} runs a piece of work on a pool of a chosen size instead (tests, benchmarks).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Parallel {

    /** The default number of elements per chunk: forking costs little against it, and two cores stay balanced. */
    public static final int GRAIN = 1 << 14;

    private Parallel() {
    }

    /** A loop body over {@code [from, to)}. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs the body.
         *
         * @param from first index
         * @param to one past the last index
         */
        void run(int from, int to);
    }

    /** A loop body over {@code [from, to)} that returns a partial sum. */
    @FunctionalInterface
    public interface SumBody {
        /**
         * Runs the body.
         *
         * @param from first index
         * @param to one past the last index
         * @return the partial sum
         */
        double run(int from, int to);
    }

    /** The threads a loop started here would use. */
    public static int threads() {
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() != ForkJoinPool.commonPool()) {
            return ForkJoinTask.getPool().getParallelism();
        }
        return ForkJoinPool.getCommonPoolParallelism() + 1;
    }

    /**
     * Runs {@code body} over fixed chunks of {@code [0, n)}.
     *
     * @param n the range
     * @param grain elements per chunk
     * @param body the work
     */
    public static void forRange(int n, int grain, Body body) {
        int chunks = (n + grain - 1) / grain;
        if (chunks <= 1 || threads() == 1) {
            for (int c = 0; c < chunks; c++) {
                body.run(c * grain, Math.min(n, (c + 1) * grain));
            }
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * grain, Math.min(n, (c + 1) * grain)));
    }

    /**
     * {@link #forRange(int, int, Body)} with the default grain.
     *
     * @param n the range
     * @param body the work
     */
    public static void forRange(int n, Body body) {
        forRange(n, GRAIN, body);
    }

    /**
     * Sums {@code body} over fixed chunks of {@code [0, n)}, adding the partial sums in chunk order.
     *
     * @param n the range
     * @param grain elements per chunk
     * @param body the work
     * @return the sum
     */
    public static double sum(int n, int grain, SumBody body) {
        int chunks = (n + grain - 1) / grain;
        if (chunks <= 1) {
            return n == 0 ? 0 : body.run(0, n);
        }
        double[] partial = new double[chunks];
        forRange(chunks, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                partial[c] = body.run(c * grain, Math.min(n, (c + 1) * grain));
            }
        });
        double s = 0;
        for (double v : partial) {
            s += v;
        }
        return s;
    }

    /**
     * {@link #sum(int, int, SumBody)} with the default grain.
     *
     * @param n the range
     * @param body the work
     * @return the sum
     */
    public static double sum(int n, SumBody body) {
        return sum(n, GRAIN, body);
    }

    /**
     * Splits {@code [0, n)} into one part per thread (at least {@code minPart} items each) for work whose items
     * are independent: each item's result must depend on that item alone.
     *
     * @param n the items
     * @param minPart the fewest items worth a thread
     * @param body the work
     */
    public static void forParts(int n, int minPart, Body body) {
        int parts = Math.max(1, Math.min(threads(), n / Math.max(1, minPart)));
        if (parts == 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> body.run((int) ((long) n * p / parts),
                (int) ((long) n * (p + 1) / parts)));
    }

    /**
     * Runs work with its loops on a pool of {@code threads} threads instead of the common pool.
     *
     * @param threads the pool size, at least 1
     * @param work the work
     * @param <T> its result type
     * @return its result
     */
    public static <T> T withThreads(int threads, Supplier<T> work) {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return pool.submit(work::get).join();
        } finally {
            pool.shutdown();
        }
    }
}

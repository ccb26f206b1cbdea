package dev.nova.host.internal.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The instances of one checkpoint's model that callers share: one instance for everyone when the plugin says its
 * model is thread-safe ({@code GenerativeModel.isThreadSafe()}), otherwise one restored instance per worker, each
 * used by one caller at a time. {@code nova serve} keeps one pool per served model, the embedding API one per
 * opened model: the same answer to the same question.
 */
public final class ModelPool implements AutoCloseable {

    private final List<OpenModel> opened;
    private final boolean threadSafe;
    private final int workers;
    private final Semaphore permits;
    private final BlockingQueue<GuardedModel> idle;

    private ModelPool(List<OpenModel> opened, boolean threadSafe, int workers) {
        this.opened = List.copyOf(opened);
        this.threadSafe = threadSafe;
        this.workers = workers;
        this.permits = new Semaphore(workers, true);
        this.idle = new ArrayBlockingQueue<>(Math.max(1, opened.size()));
        if (!threadSafe) {
            opened.forEach(o -> idle.add(o.model()));
        }
    }

    /**
     * Opens the pool's instances: the first, then, unless its model is thread-safe, one more per further worker.
     * If one fails, those opened are closed and the failure propagates.
     *
     * @param opener restores one instance (verified as every load)
     * @param workers how many callers may use the model at once, at least 1
     * @param threadSafeWorkers how many at once when the model is thread-safe (one instance serves them all)
     * @return the pool
     */
    public static ModelPool open(Supplier<OpenModel> opener, int workers, int threadSafeWorkers) {
        if (workers < 1 || threadSafeWorkers < 1) {
            throw new IllegalArgumentException("a pool has at least one worker, found " + workers + " and "
                    + threadSafeWorkers);
        }
        List<OpenModel> opened = new ArrayList<>();
        try {
            OpenModel first = opener.get();
            opened.add(first);
            boolean threadSafe = first.model().isThreadSafe();
            for (int i = 1; i < workers && !threadSafe; i++) {
                opened.add(opener.get());
            }
            return new ModelPool(opened, threadSafe, threadSafe ? threadSafeWorkers : workers);
        } catch (RuntimeException | Error e) {
            opened.forEach(OpenModel::close);
            throw e;
        }
    }

    /**
     * The instance a worker (or a batch thread) of index {@code i} owns: its own for a model that is not thread-safe,
     * the one shared instance otherwise.
     *
     * @param i from 0 to {@link #workers()} - 1
     * @return the instance
     */
    public OpenModel instance(int i) {
        return opened.get(threadSafe ? 0 : i % opened.size());
    }

    /** The first instance: the plugin, the plan, the model's step and capabilities, for describing the model. */
    public OpenModel first() {
        return opened.get(0);
    }

    /** Whether one instance serves every worker. */
    public boolean threadSafe() {
        return threadSafe;
    }

    /** How many callers may use the model at once. */
    public int workers() {
        return workers;
    }

    /** How many instances were restored. */
    public int instances() {
        return opened.size();
    }

    /** How many workers are in use now. */
    public int busy() {
        return workers - permits.availablePermits();
    }

    /**
     * Waits for a free worker.
     *
     * @param timeoutMillis how long to wait at most
     * @return the worker, to close when done, or {@code null} when none became free in time (or the wait was
     *         interrupted: the thread's interrupt status is set again)
     */
    public Lease lease(long timeoutMillis) {
        try {
            if (!permits.tryAcquire(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return new Lease(threadSafe ? opened.get(0).model() : idle.poll());
    }

    /** A worker: one instance of the model, for one caller until {@link #close}. */
    public final class Lease implements AutoCloseable {
        private final GuardedModel model;
        private boolean closed;

        private Lease(GuardedModel model) {
            this.model = model;
        }

        /** The instance. */
        public GuardedModel model() {
            return model;
        }

        /** Gives the worker back (once). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!threadSafe) {
                idle.add(model);
            }
            permits.release();
        }
    }

    /**
     * Waits until no worker is in use, then closes every instance; callers that wait for a worker meanwhile get one
     * after the close, and must check that they still may use it.
     */
    public void closeWhenIdle() {
        permits.acquireUninterruptibly(workers);
        try {
            close();
        } finally {
            permits.release(workers);
        }
    }

    /** Closes every instance now, in use or not. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (OpenModel m : opened) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

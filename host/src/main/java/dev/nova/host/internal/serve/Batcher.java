package dev.nova.host.internal.serve;

import dev.nova.api.Batching;
import dev.nova.api.GenerationRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Concurrent text requests to one model generated together ({@code GenerativeModel.batching()}): one thread adds the
 * requests waiting to a batch between steps, while fewer than {@code capacity} sequences are active, and steps it; one
 * forward pass per token for every active sequence, as llama.cpp's server does. A request's text is what it would be
 * alone (the plugin promises it; TCK rule 7.2 checks it).
 *
 * <p>The thread never writes to a client: listeners run on it, so a request's text goes to its {@link Ticket}, and
 * the request's own thread sends it. A request that leaves (its client gone, its deadline passed) is cancelled and
 * leaves the batch before the next step.
 */
final class Batcher implements AutoCloseable {

    private final String modelId;
    private final Batching batching;
    private final int capacity;
    private final Deque<Ticket> waiting = new ArrayDeque<>();
    private final List<Ticket> running = new ArrayList<>();
    private final Thread thread;
    private volatile int active;
    private boolean closed;

    /**
     * Starts the batching thread.
     *
     * @param modelId the model, for the thread's name
     * @param batching the model's capability (guarded)
     * @param capacity the most sequences stepped together
     */
    Batcher(String modelId, Batching batching, int capacity) {
        this.modelId = modelId;
        this.batching = batching;
        this.capacity = capacity;
        this.thread = new Thread(this::run, "nova-batch-" + modelId);
        thread.setDaemon(true);
        thread.start();
    }

    /** The most sequences stepped together. */
    int capacity() {
        return capacity;
    }

    /** The sequences being generated now. */
    int active() {
        return active;
    }

    /**
     * Queues a request's choices; they join the batch once there is room.
     *
     * @param requests one request per choice
     * @param onFinish run once every choice ended (on the batching thread)
     * @return the ticket to wait on
     */
    Ticket submit(List<GenerationRequest> requests, Runnable onFinish) {
        Ticket t = new Ticket(requests, onFinish);
        synchronized (this) {
            if (closed) {
                throw ApiError.status(503, "server_error", "shutting_down", "model '" + modelId + "' is closing");
            }
            waiting.addLast(t);
            notifyAll();
        }
        return t;
    }

    private void run() {
        Batching.Batch batch = null;
        try {
            while (true) {
                List<Ticket> joining = new ArrayList<>();
                synchronized (this) {
                    while (!closed && waiting.isEmpty() && running.isEmpty()) {
                        wait();
                    }
                    if (closed) {
                        break;
                    }
                    int room = capacity - sequences();
                    while (!waiting.isEmpty() && (waiting.peekFirst().requests.size() <= room || running.isEmpty()
                            && joining.isEmpty())) {
                        Ticket t = waiting.pollFirst();
                        room -= t.requests.size();
                        joining.add(t);
                    }
                }
                if (batch == null) {
                    batch = batching.open();
                }
                for (Ticket t : joining) {
                    t.join(batch);
                    if (!t.finished()) {
                        running.add(t);
                    }
                }
                if (running.isEmpty()) {
                    continue;
                }
                try {
                    active = batch.step();
                } catch (RuntimeException e) {
                    // The model failed: every request in the batch ends with it; a new batch serves the next ones.
                    running.forEach(t -> t.fail(e));
                    running.clear();
                    closeQuietly(batch);
                    batch = null;
                    active = 0;
                    continue;
                }
                running.removeIf(Ticket::settle);
                if (running.isEmpty()) {
                    // Idle: the batch's memory goes; the next request opens a new one.
                    closeQuietly(batch);
                    batch = null;
                    active = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (batch != null) {
                closeQuietly(batch);
            }
            ApiError closing = ApiError.status(503, "server_error", "shutting_down", "model '" + modelId
                    + "' closed before the request ended");
            running.forEach(t -> t.fail(closing));
            synchronized (this) {
                waiting.forEach(t -> t.fail(closing));
                waiting.clear();
            }
        }
    }

    private int sequences() {
        int n = 0;
        for (Ticket t : running) {
            n += t.requests.size();
        }
        return n;
    }

    private static void closeQuietly(Batching.Batch batch) {
        try {
            batch.close();
        } catch (RuntimeException ignored) {
            // its entries are failed already; a plugin that cannot close a batch leaves its memory to the collector
        }
    }

    /** Stops the thread; requests not done fail with 503. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request's choices in the batcher: their entries once they joined, and how they ended. */
    static final class Ticket {
        private final List<GenerationRequest> requests;
        private final List<Batching.Entry> entries = new ArrayList<>();
        private volatile boolean cancelled;
        private RuntimeException failure;
        private boolean finished;

        private final Runnable onFinish;

        private Ticket(List<GenerationRequest> requests, Runnable onFinish) {
            this.requests = List.copyOf(requests);
            this.onFinish = onFinish;
        }

        /** Adds the choices to the batch (on the batching thread); a refused one fails the ticket. */
        private void join(Batching.Batch batch) {
            if (cancelled) {
                finish(null);
                return;
            }
            try {
                for (GenerationRequest r : requests) {
                    Batching.Entry e = batch.add(r);
                    synchronized (this) {
                        entries.add(e);
                    }
                }
            } catch (RuntimeException e) {
                entriesSoFar().forEach(Batching.Entry::cancel);
                fail(e);
                return;
            }
            settle();
        }

        /** Whether every choice ended (on the batching thread); cancels them all when the ticket was cancelled. */
        private boolean settle() {
            if (finished) {
                return true;
            }
            if (cancelled) {
                entries.forEach(Batching.Entry::cancel);
            }
            for (Batching.Entry e : entries) {
                if (!e.isDone()) {
                    return false;
                }
            }
            finish(null);
            return true;
        }

        private void fail(RuntimeException e) {
            finish(e);
        }

        private synchronized void finish(RuntimeException e) {
            if (!finished) {
                failure = e;
                finished = true;
                notifyAll();
                onFinish.run();
            }
        }

        private synchronized boolean finished() {
            return finished;
        }

        /**
         * Ends the request's choices: those waiting never join, those in the batch leave before its next step.
         */
        void cancel() {
            cancelled = true;
            for (Batching.Entry e : entriesSoFar()) {
                e.cancel();
            }
        }

        private synchronized List<Batching.Entry> entriesSoFar() {
            return List.copyOf(entries);
        }

        /**
         * Waits until every choice ended or the time passed.
         *
         * @param millis the most to wait
         * @return true once ended
         * @throws InterruptedException when interrupted
         */
        synchronized boolean await(long millis) throws InterruptedException {
            long end = System.nanoTime() + millis * 1_000_000L;
            while (!finished) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }

        /** The failure that ended the request as a whole (a refused option, the model's failure, shutdown), or null. */
        synchronized RuntimeException failure() {
            return failure;
        }

        /** Choice i's entry (once ended). */
        synchronized Batching.Entry entry(int i) {
            return entries.get(i);
        }
    }
}

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
    private final int capacity;
    private final Deque<Ticket> waiting = new ArrayDeque<>();
    private final List<Loop> loops = new ArrayList<>();
    private boolean closed;

    /**
     * Starts the batching threads: one batch per thread, each on a core of its own. On a CPU a small model's products
     * run at the vector units' rate for one sequence already (its weights stay in the cache), so a batch gains by
     * reading a large model's weights once per step for all its sequences, and the threads add the cores.
     *
     * @param modelId the model, for the threads' names
     * @param batching thread i's capability (guarded): of the instance its worker would own
     * @param capacity the most sequences stepped together, over all threads
     * @param threads how many batches run side by side
     */
    Batcher(String modelId, java.util.function.IntFunction<Batching> batching, int capacity, int threads) {
        this.modelId = modelId;
        this.capacity = capacity;
        int n = Math.max(1, Math.min(threads, capacity));
        for (int i = 0; i < n; i++) {
            // Capacity split as evenly as it goes: 16 over 3 threads is 6, 5, 5.
            loops.add(new Loop(batching.apply(i), capacity / n + (i < capacity % n ? 1 : 0), n == 1
                    ? "nova-batch-" + modelId : "nova-batch-" + modelId + "-" + (i + 1)));
        }
        loops.forEach(l -> l.thread.start());
    }

    /** The most sequences stepped together. */
    int capacity() {
        return capacity;
    }

    /** The batches run side by side. */
    int threads() {
        return loops.size();
    }

    /** The sequences being generated now. */
    int active() {
        int n = 0;
        for (Loop l : loops) {
            n += l.active;
        }
        return n;
    }

    /**
     * Queues a request's choices; they join a batch once there is room.
     *
     * @param requests one request per choice
     * @param onFinish run once every choice ended (on a batching thread)
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

    /**
     * Whether {@code loop} takes the first waiting ticket now (holding the lock): when it fits, and no other batch
     * with room has fewer sequences, so that requests spread over the threads; a ticket larger than any batch's room
     * goes to an empty batch.
     */
    private boolean takes(Loop loop) {
        Ticket first = waiting.peekFirst();
        if (first == null) {
            return false;
        }
        int need = first.requests.size();
        if (loop.sequences + need > loop.capacity && loop.sequences > 0) {
            return false;
        }
        for (Loop other : loops) {
            if (other != loop && other.sequences < loop.sequences && other.sequences + need <= other.capacity) {
                return false;
            }
        }
        return true;
    }

    /** One thread and its batch. */
    private final class Loop {
        private final Batching batching;
        private final int capacity;
        private final Thread thread;
        private final List<Ticket> running = new ArrayList<>();
        /** Sequences of the tickets running (under the batcher's lock). */
        private int sequences;
        private volatile int active;

        Loop(Batching batching, int capacity, String name) {
            this.batching = batching;
            this.capacity = capacity;
            this.thread = new Thread(this::run, name);
            thread.setDaemon(true);
        }

        private void run() {
            Batching.Batch batch = null;
            try {
                while (true) {
                    List<Ticket> joining = new ArrayList<>();
                    synchronized (Batcher.this) {
                        while (!closed && running.isEmpty() && !takes(this)) {
                            Batcher.this.wait();
                        }
                        if (closed) {
                            break;
                        }
                        while (takes(this)) {
                            Ticket t = waiting.pollFirst();
                            sequences += t.requests.size();
                            joining.add(t);
                        }
                    }
                    if (batch == null && !joining.isEmpty()) {
                        try {
                            batch = batching.open();
                        } catch (RuntimeException e) {
                            // The model cannot open a batch: the requests that came for it end with that; the thread
                            // stays to serve the next ones.
                            for (Ticket t : joining) {
                                t.fail(e);
                                settled(t);
                            }
                            continue;
                        }
                    }
                    for (Ticket t : joining) {
                        t.join(batch);
                        running.add(t);
                    }
                    running.removeIf(this::settled);
                    if (running.isEmpty()) {
                        batch = idle(batch);
                        continue;
                    }
                    try {
                        active = batch.step();
                    } catch (RuntimeException e) {
                        // The model failed: every request in this batch ends with it; a new batch serves the next.
                        running.forEach(t -> t.fail(e));
                        running.removeIf(this::settled);
                        batch = idle(batch);
                        continue;
                    }
                    running.removeIf(this::settled);
                    if (running.isEmpty()) {
                        batch = idle(batch);
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
                synchronized (Batcher.this) {
                    waiting.forEach(t -> t.fail(closing));
                    waiting.clear();
                }
            }
        }

        /** Whether a ticket ended, giving back its room if so. */
        private boolean settled(Ticket t) {
            if (!t.settle()) {
                return false;
            }
            synchronized (Batcher.this) {
                sequences -= t.requests.size();
                Batcher.this.notifyAll();
            }
            return true;
        }

        /** Idle: the batch's memory goes; the next request opens a new one. */
        private Batching.Batch idle(Batching.Batch batch) {
            if (batch != null) {
                closeQuietly(batch);
            }
            active = 0;
            return null;
        }
    }

    private static void closeQuietly(Batching.Batch batch) {
        try {
            batch.close();
        } catch (RuntimeException ignored) {
            // its entries are failed already; a plugin that cannot close a batch leaves its memory to the collector
        }
    }

    /** Stops the threads; requests not done fail with 503. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        for (Loop l : loops) {
            try {
                l.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
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
            if (finished()) {
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

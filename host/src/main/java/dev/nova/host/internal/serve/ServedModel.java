package dev.nova.host.internal.serve;

import dev.nova.api.Modality;
import dev.nova.api.PluginInfo;
import dev.nova.api.ReferenceData;
import dev.nova.host.internal.media.SampleFormat;
import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.model.ModelPool;
import dev.nova.host.internal.model.OpenModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A model the server answers for: its {@linkplain ModelPool pool} of workers and a bounded queue in front of them. A
 * request is admitted while fewer than workers + queue are admitted (otherwise 429), then waits for an idle worker
 * until its deadline.
 */
public final class ServedModel implements AutoCloseable {

    private final String id;
    private final Path source;
    private final PluginInfo plugin;
    private final long step;
    private final List<String> classes;
    private final boolean conditional;
    private final int queue;
    private final ModelPool pool;
    private final Semaphore admission;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Optional<String> classNotice;
    private final Optional<dev.nova.api.TextTokens> tokens;

    private final Optional<Batcher> batcher;

    private ServedModel(String id, Path source, ModelPool pool, int queue, List<String> classes, boolean conditional,
                        Optional<String> classNotice, int batch) {
        this.id = id;
        this.source = source;
        this.pool = pool;
        this.plugin = pool.first().info();
        this.step = pool.first().model().step();
        this.queue = queue;
        this.classes = classes;
        this.conditional = conditional;
        this.classNotice = classNotice;
        this.tokens = plugin.modality() == Modality.TEXT ? pool.first().model().textTokens() : Optional.empty();
        Optional<dev.nova.api.Batching> batching = batch > 1 && plugin.modality() == Modality.TEXT
                ? pool.first().model().batching() : Optional.empty();
        // Each batch thread drives the instance its worker would own: a model that is not thread-safe is never
        // called from two threads at once.
        this.batcher = batching.map(b -> new Batcher(id, i -> i == 0 ? b
                : pool.instance(i).model().batching().orElseThrow(), batch, pool.workers()));
        this.admission = new Semaphore(slots() + queue);
    }

    /** The model's batch, when its plugin generates requests together and the server batches. */
    Optional<Batcher> batcher() {
        return batcher;
    }

    /** The requests generated at once: the batch's sequences, or the workers. */
    int slots() {
        return batcher.map(Batcher::capacity).orElse(pool.workers());
    }

    /**
     * How many of the model's tokens a text is (usage): its tokens when the model says how it tokenizes
     * ({@code GenerativeModel.textTokens()}), else its characters.
     *
     * @param text a prompt or a completion
     * @return the count
     */
    /** The model's tokens, for a text model that says how it tokenizes. */
    Optional<dev.nova.api.TextTokens> textTokens() {
        return tokens;
    }

    int tokens(String text) {
        if (tokens.isPresent()) {
            try {
                return tokens.get().encode(text).length;
            } catch (RuntimeException e) {
                // a text the model cannot encode (it was refused before this point): counted in characters
            }
        }
        return text.codePointCount(0, text.length());
    }

    /**
     * Restores a model's instances: one per worker, or one for all when the plugin's model is thread-safe.
     *
     * @param id the name clients use
     * @param source the run or checkpoint
     * @param opener restores one instance (verified as every load)
     * @param workers workers
     * @param queue requests that may wait for a worker
     * @param batch the most sequences a text model that batches generates together (1: none)
     * @return the served model
     */
    static ServedModel open(String id, Path source, Supplier<OpenModel> opener, int workers, int queue, int batch) {
        ModelPool pool = ModelPool.open(opener, workers, workers);
        try {
            GuardedModel m = pool.first().model();
            List<String> classes = List.of();
            boolean conditional = false;
            Optional<String> notice = Optional.empty();
            Modality modality = pool.first().info().modality();
            SampleFormat format = SampleFormat.of(modality);
            if (format.hasClasses()) {
                try {
                    ReferenceData ref = m.referenceData().orElse(null);
                    if (ref != null && ref.conditional()) {
                        conditional = true;
                        classes = ref.classes();
                    }
                } catch (RuntimeException e) {
                    notice = Optional.of("model '" + id + "': class names unavailable (" + e.getMessage()
                            + "); " + (format == SampleFormat.IMAGES ? "image prompts" : "labels") + " take class numbers");
                }
            }
            return new ServedModel(id, source, pool, queue, List.copyOf(classes), conditional, notice, batch);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    String id() {
        return id;
    }

    Path source() {
        return source;
    }

    PluginInfo plugin() {
        return plugin;
    }

    long step() {
        return step;
    }

    List<String> classes() {
        return classes;
    }

    boolean conditional() {
        return conditional;
    }

    Optional<String> classNotice() {
        return classNotice;
    }

    int workers() {
        return pool.workers();
    }

    int queue() {
        return queue;
    }

    int instances() {
        return pool.instances();
    }

    int waiting() {
        return waiting.get();
    }

    int busy() {
        return pool.busy();
    }

    /**
     * Admits a request, or refuses it when workers + queue requests are already admitted.
     *
     * @return the admission, to close when the request ends
     * @throws ApiError 429 with {@code Retry-After}
     */
    Lease admit() {
        if (!admission.tryAcquire()) {
            if (batcher.isPresent()) {
                throw ApiError.later(429, "queue_full", "model '" + id + "' is busy: the " + slots() + " requests of its"
                        + " batch" + (queue == 0 ? "" : " and " + queue + " waiting") + " are taken; retry later", 1);
            }
            throw ApiError.later(429, "queue_full", "model '" + id + "' is busy: "
                    + (pool.workers() == 1 ? "its worker" : "its " + pool.workers() + " workers")
                    + (queue == 0 ? "" : queue == 1 ? " and its queue place" : " and " + queue + " queue places")
                    + (pool.workers() == 1 && queue == 0 ? " is" : " are") + " taken; retry later", 1);
        }
        return new Lease();
    }

    /** An admitted request: it waits for a worker, uses it, and gives it back on close. */
    final class Lease implements AutoCloseable {
        private ModelPool.Lease worker;
        private boolean closed;

        /**
         * Waits for an idle worker.
         *
         * @param deadline the request's deadline
         * @return the worker's model
         * @throws ApiError 503 when none became idle before the deadline
         */
        GuardedModel worker(Deadline deadline) {
            if (worker != null) {
                return worker.model();
            }
            waiting.incrementAndGet();
            try {
                worker = pool.lease(deadline.remainingMillis());
            } finally {
                waiting.decrementAndGet();
            }
            if (worker == null) {
                throw ApiError.later(503, "timeout", "no worker of model '" + id + "' became free within the request"
                        + " timeout of " + deadline.seconds() + " s", 1);
            }
            return worker.model();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (worker != null) {
                worker.close();
            }
            admission.release();
        }
    }

    @Override
    public void close() {
        batcher.ifPresent(Batcher::close);
        pool.close();
    }
}

package dev.nova.host.internal.serve;

import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.PluginInfo;
import dev.nova.api.ReferenceData;
import dev.nova.host.internal.run.LoadedModel;
import dev.nova.host.internal.support.PluginCalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A model the server answers for: its workers (one restored instance each, or one instance shared by all when the
 * plugin says its model is thread-safe) and a bounded queue in front of them. A request is admitted while fewer than
 * workers + queue are admitted (otherwise 429), then waits for an idle worker until its deadline.
 */
public final class ServedModel implements AutoCloseable {

    private final String id;
    private final Path source;
    private final PluginInfo plugin;
    private final long step;
    private final List<String> classes;
    private final boolean conditional;
    private final int workers;
    private final int queue;
    private final List<LoadedModel> loaded;
    private final BlockingQueue<GenerativeModel> idle;
    private final Semaphore admission;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final Optional<String> classNotice;

    private ServedModel(String id, Path source, List<LoadedModel> loaded, int workers, int queue, List<String> classes,
                        boolean conditional, Optional<String> classNotice) {
        this.id = id;
        this.source = source;
        this.loaded = loaded;
        this.plugin = loaded.get(0).plan().info();
        this.step = loaded.get(0).model().step();
        this.workers = workers;
        this.queue = queue;
        this.classes = classes;
        this.conditional = conditional;
        this.classNotice = classNotice;
        this.idle = new ArrayBlockingQueue<>(workers);
        for (int i = 0; i < workers; i++) {
            idle.add(loaded.get(Math.min(i, loaded.size() - 1)).model());
        }
        this.admission = new Semaphore(workers + queue);
    }

    /**
     * Restores a model's instances: one per worker, or one for all when the plugin's model is thread-safe.
     *
     * @param id the name clients use
     * @param source the run or checkpoint
     * @param opener restores one instance (verified as every load)
     * @param workers workers
     * @param queue requests that may wait for a worker
     * @return the served model
     */
    static ServedModel open(String id, Path source, Supplier<LoadedModel> opener, int workers, int queue) {
        List<LoadedModel> loaded = new ArrayList<>();
        try {
            LoadedModel first = opener.get();
            loaded.add(first);
            GenerativeModel m = first.model();
            String pluginId = first.plan().info().id();
            boolean threadSafe = Boolean.TRUE.equals(PluginCalls.call(pluginId, m.getClass(), "isThreadSafe",
                    m::isThreadSafe));
            for (int i = 1; i < workers && !threadSafe; i++) {
                loaded.add(opener.get());
            }
            List<String> classes = List.of();
            boolean conditional = false;
            Optional<String> notice = Optional.empty();
            Modality modality = first.plan().info().modality();
            if (modality == Modality.IMAGE || modality == Modality.AUDIO) {
                try {
                    ReferenceData ref = PluginCalls.call(pluginId, m.getClass(), "referenceData",
                            () -> m.referenceData().orElse(null));
                    if (ref != null && ref.conditional()) {
                        conditional = true;
                        classes = PluginCalls.call(pluginId, m.getClass(), "referenceData", ref::classes);
                    }
                } catch (RuntimeException e) {
                    notice = Optional.of("model '" + id + "': class names unavailable (" + e.getMessage()
                            + "); " + (modality == Modality.IMAGE ? "image prompts" : "labels") + " take class numbers");
                }
            }
            return new ServedModel(id, source, loaded, workers, queue, List.copyOf(classes), conditional, notice);
        } catch (RuntimeException e) {
            loaded.forEach(LoadedModel::close);
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
        return workers;
    }

    int queue() {
        return queue;
    }

    int instances() {
        return loaded.size();
    }

    int waiting() {
        return waiting.get();
    }

    int busy() {
        return busy.get();
    }

    /**
     * Admits a request, or refuses it when workers + queue requests are already admitted.
     *
     * @return the admission, to close when the request ends
     * @throws ApiError 429 with {@code Retry-After}
     */
    Lease admit() {
        if (!admission.tryAcquire()) {
            throw ApiError.later(429, "queue_full", "model '" + id + "' is busy: its " + workers + " workers and "
                    + queue + " queue places are taken; retry later", 1);
        }
        return new Lease();
    }

    /** An admitted request: it waits for a worker, uses it, and gives it back on close. */
    final class Lease implements AutoCloseable {
        private GenerativeModel model;
        private boolean closed;

        /**
         * Waits for an idle worker.
         *
         * @param deadline the request's deadline
         * @return the worker's model
         * @throws ApiError 503 when none became idle before the deadline
         */
        GenerativeModel worker(Deadline deadline) {
            if (model != null) {
                return model;
            }
            waiting.incrementAndGet();
            try {
                model = idle.poll(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.decrementAndGet();
            }
            if (model == null) {
                throw ApiError.later(503, "timeout", "no worker of model '" + id + "' became free within the request"
                        + " timeout of " + deadline.seconds() + " s", 1);
            }
            busy.incrementAndGet();
            return model;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (model != null) {
                busy.decrementAndGet();
                idle.add(model);
            }
            admission.release();
        }
    }

    @Override
    public void close() {
        for (LoadedModel m : loaded) {
            m.close();
        }
    }
}

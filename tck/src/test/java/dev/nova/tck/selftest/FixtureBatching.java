package dev.nova.tck.selftest;

import dev.nova.api.Batching;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * The text fixture's batching (rule 7.2): a request's samples are generated when it joins, and its text reaches its
 * listener one piece per step, as a model that steps its sequences together would send it. The flaws are those of a
 * server's batch: seeds taken from the position in the batch, a listener's failure ending every request, a cancel
 * that waits for the request to end.
 */
final class FixtureBatching implements Batching {

    private final String pluginId;
    private final GenerativeModel model;
    private final Flaw flaw;

    FixtureBatching(String pluginId, GenerativeModel model, Flaw flaw) {
        this.pluginId = pluginId;
        this.model = model;
        this.flaw = flaw;
    }

    @Override
    public Batch open() {
        return new Batch() {
            private final List<Run> active = new ArrayList<>();
            private int added;

            @Override
            public Entry add(GenerationRequest request) {
                // BATCH_SEEDS_BY_POSITION: a sequence seeded by its place in the batch, as a server's slots might be.
                long seed = flaw == Flaw.BATCH_SEEDS_BY_POSITION ? request.seed() + added : request.seed();
                List<Object[]> pieces = new ArrayList<>();
                List<Sample> samples = model.generate(new GenerationRequest(request.count(), seed, request.options(),
                        (i, t) -> pieces.add(new Object[] {i, t})));
                added++;
                Run run = new Run(request.listener(), pieces, samples);
                if (!run.isDone()) {
                    active.add(run);
                }
                return run;
            }

            @Override
            public int step() {
                for (Run r : List.copyOf(active)) {
                    if (r.cancelled && flaw != Flaw.BATCH_CANCEL_IGNORED) {
                        r.end(new PluginException(pluginId, "cancelled"));
                        continue;
                    }
                    try {
                        r.next();
                    } catch (RuntimeException e) {
                        if (flaw == Flaw.BATCH_LISTENER_FAILURE_ENDS_ALL) {
                            active.forEach(o -> o.end(e));
                        } else {
                            r.end(e);
                        }
                    }
                }
                active.removeIf(Run::isDone);
                return active.size();
            }

            @Override
            public int active() {
                return active.size();
            }

            @Override
            public void close() {
                active.forEach(r -> r.end(new PluginException(pluginId, "batch closed")));
                active.clear();
            }
        };
    }

    /** A request in the batch: the pieces its listener has still to receive. */
    private static final class Run implements Entry {
        private final GenerationListener listener;
        private final List<Object[]> pieces;
        private final List<Sample> samples;
        private int sent;
        private volatile boolean cancelled;
        private volatile boolean done;
        private volatile RuntimeException failure;

        Run(GenerationListener listener, List<Object[]> pieces, List<Sample> samples) {
            this.listener = listener;
            this.pieces = pieces;
            this.samples = samples;
            this.done = pieces.isEmpty();
        }

        void next() {
            Object[] p = pieces.get(sent++);
            listener.onText((Integer) p[0], (String) p[1]);
            if (sent == pieces.size()) {
                done = true;
            }
        }

        void end(RuntimeException e) {
            if (!done) {
                failure = e;
                done = true;
            }
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public List<Sample> samples() {
            return done && failure == null ? samples : List.of();
        }

        @Override
        public RuntimeException failure() {
            return failure;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}

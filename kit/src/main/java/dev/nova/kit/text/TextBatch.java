package dev.nova.kit.text;

import dev.nova.api.Batching;
import dev.nova.api.GenerationRequest;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A batch of {@link TextGeneration#batching}: the sequences of every request added, each a {@link
 * TextGeneration.Sequence} with a lane of the plugin's, stepped together.
 */
final class TextBatch<S> implements Batching.Batch {

    private final String pluginId;
    private final TextGeneration defaults;
    private final Tokenizer vocabulary;
    private final TextGeneration.Lanes<S> lanes;
    private final Consumer<GenerationRequest> onAdd;
    private final List<Lane<S>> active = new ArrayList<>();
    private boolean closed;

    TextBatch(String pluginId, TextGeneration defaults, Tokenizer vocabulary, TextGeneration.Lanes<S> lanes,
              Consumer<GenerationRequest> onAdd) {
        this.pluginId = pluginId;
        this.defaults = defaults;
        this.vocabulary = vocabulary;
        this.lanes = lanes;
        this.onAdd = onAdd;
    }

    /** One sequence and its model state. */
    private record Lane<S>(Entry entry, TextGeneration.Sequence sequence, S state) {
    }

    @Override
    public Batching.Entry add(GenerationRequest request) {
        if (closed) {
            throw new IllegalStateException("the batch is closed");
        }
        onAdd.accept(request);
        TextGeneration.Plan plan = defaults.plan(pluginId, request, vocabulary);
        Entry entry = new Entry(request.count());
        for (int s = 0; s < request.count(); s++) {
            TextGeneration.Sequence sequence;
            try {
                sequence = new TextGeneration.Sequence(plan, request, s);
            } catch (RuntimeException e) {
                // A listener that refused the first (empty) text of a sample of length 0.
                entry.fail(e);
                return entry;
            }
            entry.samples[s] = sequence;
            if (!sequence.done()) {
                active.add(new Lane<>(entry, sequence, lanes.open()));
                entry.running++;
            }
        }
        entry.settle();
        return entry;
    }

    @Override
    public int step() {
        leaveEnded();
        int n = active.size();
        if (n == 0) {
            return 0;
        }
        List<S> states = new ArrayList<>(n);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            Lane<S> lane = active.get(i);
            states.add(lane.state());
            tokens[i] = lane.sequence().input();
        }
        float[][] logits;
        try {
            logits = lanes.step(states, tokens);
        } catch (RuntimeException | Error e) {
            for (Lane<S> lane : active) {
                lane.entry().fail(e instanceof RuntimeException r ? r : new PluginException(pluginId, "generation failed: " + e, e));
            }
            leaveEnded();
            throw e;
        }
        for (int i = 0; i < n; i++) {
            Lane<S> lane = active.get(i);
            if (lane.entry().isDone()) {
                continue; // an earlier sample of its request failed in this step
            }
            try {
                lane.sequence().accept(logits[i]);
            } catch (RuntimeException e) {
                lane.entry().fail(e);
                continue;
            }
            if (lane.sequence().done()) {
                lane.entry().running--;
                lane.entry().settle();
            }
        }
        leaveEnded();
        return active.size();
    }

    /** Removes the lanes whose sequence ended or whose request failed or was cancelled. */
    private void leaveEnded() {
        active.removeIf(lane -> {
            Entry e = lane.entry();
            if (e.cancelled && !e.isDone()) {
                e.fail(new PluginException(pluginId, "the request was cancelled"));
            }
            if (e.isDone() || lane.sequence().done()) {
                lanes.close(lane.state());
                return true;
            }
            return false;
        });
    }

    @Override
    public int active() {
        return active.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Lane<S> lane : active) {
            if (!lane.entry().isDone()) {
                lane.entry().fail(new PluginException(pluginId, "the batch was closed before the request ended"));
            }
            lanes.close(lane.state());
        }
        active.clear();
    }

    /** A request's progress. */
    private static final class Entry implements Batching.Entry {
        private final TextGeneration.Sequence[] samples;
        private int running;
        private volatile boolean cancelled;
        private volatile boolean done;
        private volatile List<Sample> result = List.of();
        private volatile RuntimeException failure;

        Entry(int count) {
            this.samples = new TextGeneration.Sequence[count];
        }

        void fail(RuntimeException e) {
            if (!done) {
                failure = e;
                done = true;
            }
        }

        /** Done once every sample ended. */
        void settle() {
            if (!done && running == 0) {
                List<Sample> out = new ArrayList<>(samples.length);
                for (TextGeneration.Sequence s : samples) {
                    out.add(s.sample());
                }
                result = List.copyOf(out);
                done = true;
            }
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public List<Sample> samples() {
            return failure == null ? result : List.of();
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

package dev.nova.kit.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.Batching;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Batched generation against sequential generation on a model whose logits depend on every token fed (a hash of the
 * history): any token fed to the wrong sequence, twice, or not at all changes what follows.
 */
class TextBatchTests {

    private static final Vocabulary LETTERS = Vocabulary.of("abcdefghijklmnopqrstuvwxyz .\n");
    private static final TextGeneration DEFAULTS = new TextGeneration(12, 1.0, 0, 1.0);

    /** A sequence's state: the hash of what it was fed, and how many tokens it saw. */
    private static final class State {
        long hash = 17;
        int fed;
        boolean closed;
    }

    private static float[] logits(State s, int token) {
        s.hash = s.hash * 1_000_003 + token + 1;
        s.fed++;
        float[] out = new float[LETTERS.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (3 * Math.sin((s.hash % 10_007) * 0.37 * (j + 1)));
        }
        return out;
    }

    /** Lanes over the hash model that count their steps and the states they closed. */
    private static class HashLanes implements TextGeneration.Lanes<State> {
        final List<Integer> widths = new ArrayList<>();
        final List<State> closed = new ArrayList<>();

        @Override
        public State open() {
            return new State();
        }

        @Override
        public float[][] step(List<State> states, int[] tokens) {
            widths.add(states.size());
            float[][] out = new float[states.size()][];
            for (int i = 0; i < out.length; i++) {
                assertFalse(states.get(i).closed, "a closed state was stepped");
                out[i] = logits(states.get(i), tokens[i]);
            }
            return out;
        }

        @Override
        public void close(State state) {
            state.closed = true;
            closed.add(state);
        }
    }

    private static List<Sample> sequential(GenerationRequest r) {
        return DEFAULTS.generate("test", r, LETTERS, () -> {
            State s = new State();
            IntFunction<float[]> f = t -> logits(s, t);
            return f;
        });
    }

    /** Records what a listener receives, per sample. */
    private static final class Recorder implements GenerationListener {
        final List<StringBuilder> texts = new ArrayList<>();
        final List<Integer> tokens = new ArrayList<>();

        @Override
        public void onText(int sampleIndex, String text) {
            while (texts.size() <= sampleIndex) {
                texts.add(new StringBuilder());
            }
            texts.get(sampleIndex).append(text);
        }

        @Override
        public void onToken(int sampleIndex, dev.nova.api.TokenChoice choice) {
            tokens.add(sampleIndex * 1000 + choice.token());
        }

        List<String> strings() {
            return texts.stream().map(StringBuilder::toString).toList();
        }
    }

    @Test
    void requestsJoiningAtDifferentStepsGetWhatGenerateGives() {
        List<GenerationRequest> requests = List.of(
                GenerationRequest.of(1, 1).with(GenerationRequest.PROMPT, "the cat"),
                GenerationRequest.of(2, 2).with(GenerationRequest.LENGTH, 30),
                GenerationRequest.of(1, 3).with(GenerationRequest.PROMPT, "a").with(GenerationRequest.TOP_K, 3)
                        .with(GenerationRequest.LOGPROBS, 2),
                GenerationRequest.of(1, 4).with(GenerationRequest.LENGTH, 0).with(GenerationRequest.PROMPT, "zz"),
                GenerationRequest.of(3, 5).with(GenerationRequest.GREEDY, true).with(GenerationRequest.LENGTH, 5),
                GenerationRequest.of(1, 6).with(GenerationRequest.TEMPERATURE, 0.3).with(GenerationRequest.TOP_P, 0.5));
        HashLanes lanes = new HashLanes();
        Batching batching = DEFAULTS.batching("test", LETTERS, () -> lanes, r -> { });
        List<Batching.Entry> entries = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        try (Batching.Batch batch = batching.open()) {
            for (int i = 0; i < requests.size(); i++) {
                Recorder rec = new Recorder();
                GenerationRequest r = requests.get(i);
                recorders.add(rec);
                entries.add(batch.add(new GenerationRequest(r.count(), r.seed(), r.options(), rec)));
                // Requests join at steps 0, 3, 6, ...: a newcomer's prompt is fed while the others generate.
                for (int k = 0; k < 3; k++) {
                    batch.step();
                }
            }
            while (batch.step() > 0) {
                assertTrue(lanes.widths.size() < 1000, "the batch never ended");
            }
            assertEquals(0, batch.active());
        }
        assertTrue(lanes.widths.stream().anyMatch(w -> w >= 4), "the sequences were stepped together: " + lanes.widths);
        for (int i = 0; i < requests.size(); i++) {
            Recorder alone = new Recorder();
            GenerationRequest r = requests.get(i);
            List<Sample> expected = sequential(new GenerationRequest(r.count(), r.seed(), r.options(), alone));
            Batching.Entry e = entries.get(i);
            assertTrue(e.isDone(), "request " + i);
            assertEquals(null, e.failure(), "request " + i);
            assertEquals(expected, e.samples(), "request " + i);
            assertEquals(alone.strings(), recorders.get(i).strings(), "request " + i + "'s listener");
            List<Integer> sortedAlone = new ArrayList<>(alone.tokens);
            List<Integer> sortedBatch = new ArrayList<>(recorders.get(i).tokens);
            sortedAlone.sort(null);
            sortedBatch.sort(null);
            assertEquals(sortedAlone, sortedBatch, "request " + i + "'s tokens");
        }
        int sequences = requests.stream().mapToInt(r -> r.options().containsKey(GenerationRequest.LENGTH)
                && ((Integer) r.options().get(GenerationRequest.LENGTH)) == 0 ? 0 : r.count()).sum();
        assertEquals(sequences, lanes.closed.size(), "every sequence's state was closed once");
    }

    @Test
    void aListenerThatThrowsEndsItsRequestAlone() {
        HashLanes lanes = new HashLanes();
        RuntimeException stop = new IllegalStateException("client went away");
        int[] calls = {0};
        GenerationListener failing = (i, t) -> {
            if (++calls[0] == 3) {
                throw stop;
            }
        };
        GenerationRequest other = GenerationRequest.of(1, 9).with(GenerationRequest.LENGTH, 20);
        try (Batching.Batch batch = DEFAULTS.batching("test", LETTERS, () -> lanes, r -> { }).open()) {
            Batching.Entry bad = batch.add(new GenerationRequest(2, 8, java.util.Map.of(), failing));
            Batching.Entry good = batch.add(other);
            assertEquals(3, batch.active());
            while (batch.step() > 0) {
                assertTrue(lanes.widths.size() < 1000);
            }
            assertTrue(bad.isDone());
            assertSame(stop, bad.failure());
            assertEquals(List.of(), bad.samples());
            assertEquals(sequential(other), good.samples());
            assertTrue(lanes.widths.subList(3, lanes.widths.size()).stream().allMatch(w -> w == 1),
                    "the failed request's two sequences left at once: " + lanes.widths);
        }
    }

    @Test
    void aCancelledRequestLeavesBeforeTheNextStep() throws Exception {
        HashLanes lanes = new HashLanes();
        try (Batching.Batch batch = DEFAULTS.batching("test", LETTERS, () -> lanes, r -> { }).open()) {
            Batching.Entry cancelled = batch.add(GenerationRequest.of(1, 1).with(GenerationRequest.LENGTH, 1000));
            Batching.Entry kept = batch.add(GenerationRequest.of(1, 2).with(GenerationRequest.LENGTH, 50));
            batch.step();
            Thread other = new Thread(cancelled::cancel);
            other.start();
            other.join();
            assertEquals(1, batch.step(), "the cancelled sequence was not stepped");
            assertEquals(List.of(2, 1), lanes.widths);
            assertTrue(cancelled.isDone());
            PluginException why = assertInstanceOf(PluginException.class, cancelled.failure());
            assertEquals("plugin 'test': the request was cancelled", why.getMessage());
            assertEquals(1, lanes.closed.size());
            while (batch.step() > 0) {
                assertTrue(lanes.widths.size() < 1000);
            }
            assertEquals(sequential(GenerationRequest.of(1, 2).with(GenerationRequest.LENGTH, 50)), kept.samples());
            cancelled.cancel(); // no effect once done
            assertEquals(why, cancelled.failure());
        }
    }

    @Test
    void anInvalidRequestIsRefusedOnAddAndNothingJoins() {
        HashLanes lanes = new HashLanes();
        try (Batching.Batch batch = DEFAULTS.batching("test", LETTERS, () -> lanes, r -> { }).open()) {
            InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> batch.add(
                    GenerationRequest.of(1, 1).with(GenerationRequest.PROMPT, "caf\u00e9")));
            assertEquals(GenerationRequest.PROMPT, e.option());
            assertThrows(InvalidOptionException.class, () -> batch.add(GenerationRequest.of(1, 1)
                    .with(GenerationRequest.TOP_P, 2.0)));
            assertThrows(InvalidOptionException.class, () -> batch.add(GenerationRequest.of(1, 1).with("colour", 1)));
            assertEquals(0, batch.active());
            assertEquals(0, batch.step());
        }
    }

    @Test
    void closingEndsWhatIsLeftAndAModelFailureEndsEveryRequest() {
        HashLanes lanes = new HashLanes();
        Batching.Entry left;
        try (Batching.Batch batch = DEFAULTS.batching("test", LETTERS, () -> lanes, r -> { }).open()) {
            left = batch.add(GenerationRequest.of(1, 1).with(GenerationRequest.LENGTH, 100));
            batch.step();
        }
        assertTrue(left.isDone());
        assertEquals("plugin 'test': the batch was closed before the request ended", left.failure().getMessage());
        assertEquals(1, lanes.closed.size());

        RuntimeException boom = new IllegalStateException("out of native memory");
        TextGeneration.Lanes<State> failing = new HashLanes() {
            @Override
            public float[][] step(List<State> states, int[] tokens) {
                throw boom;
            }
        };
        try (Batching.Batch batch = DEFAULTS.batching("test", LETTERS, () -> failing, r -> { }).open()) {
            Batching.Entry a = batch.add(GenerationRequest.of(1, 1));
            Batching.Entry b = batch.add(GenerationRequest.of(2, 2));
            assertSame(boom, assertThrows(IllegalStateException.class, batch::step));
            assertSame(boom, a.failure());
            assertSame(boom, b.failure());
            assertEquals(0, batch.active());
        }
    }
}

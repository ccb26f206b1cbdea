package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nova.api.Batching;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7, concurrency: generation from one model on several threads.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section7Concurrency extends Rules {

    /**
     * Rule 7.1: many threads released together, each calling {@code generate} on one shared model over and over
     * with requests whose sequential answers are known, so that a field two calls share (a scratch buffer, the
     * current request, a random source) is caught: every concurrent answer must equal the sequential one.
     */
    @Test
    default void required_spec7_1_concurrentGenerationMatchesSequential() throws Exception {
        Harness h = harness();
        GenerativeModel m = h.warm();
        applicableOnlyIf(m.isThreadSafe(), "the plugin declares its models single-threaded; the host serialises generate()");
        List<List<Sample>> sequential = new ArrayList<>();
        for (int i = 0; i < Harness.CONCURRENT_REQUESTS; i++) {
            sequential.add(h.generate(m, h.request(2, 100 + i)));
        }
        ExecutorService ex = Executors.newFixedThreadPool(Harness.CONCURRENT_THREADS);
        CountDownLatch start = new CountDownLatch(1);
        // Every thread keeps calling until all have made a call, so that the calls overlap however late a thread
        // starts; a deadline bounds the rule on a machine too busy to run them all.
        AtomicInteger running = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            List<Future<String>> threads = new ArrayList<>();
            for (int t = 0; t < Harness.CONCURRENT_THREADS; t++) {
                int first = t;
                threads.add(ex.submit(() -> {
                    start.await();
                    for (int c = 0; c < Harness.CONCURRENT_CALLS
                            || running.get() < Harness.CONCURRENT_THREADS && System.nanoTime() < deadline; c++) {
                        int i = (first + c) % Harness.CONCURRENT_REQUESTS;
                        List<Sample> got = m.generate(h.request(2, 100 + i));
                        if (c == 0) {
                            running.incrementAndGet();
                        }
                        if (!sequential.get(i).equals(got)) {
                            return "call " + (c + 1) + " of thread " + (first + 1) + " with seed " + (100 + i) + " gave "
                                    + got + " where the sequential call gave " + sequential.get(i);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<String> f : threads) {
                String difference;
                try {
                    difference = f.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError(h.violation("7.1", Harness.CONCURRENT_THREADS + " threads calling generate() at once made it"
                            + " throw " + e.getCause()), e.getCause());
                }
                if (difference != null) {
                    fail(h.violation("7.1", "concurrent generate() differed from the sequential call (" + Harness.CONCURRENT_THREADS
                            + " threads, " + Harness.CONCURRENT_CALLS + " calls each): " + difference));
                }
            }
        } finally {
            ex.shutdownNow();
        }
    }

    /**
     * Rule 7.2 (API 1.5): a model that offers {@code batching()} generates the requests of one batch as {@code
     * generate} does each: three requests (two samples, then one, then one with a prompt) joining at steps 0, 2 and 5
     * give the samples, and per sample the listener text, of their sequential calls; a listener that throws ends its
     * request alone (its failure is that exception, the other request's samples are unchanged); a request cancelled
     * after one step is done before the next and leaves the batch; an option {@code generate} refuses is refused by
     * {@code add}, and nothing joins.
     */
    @Test
    default void required_spec7_2_batchedGenerationMatchesGenerate() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        Optional<Batching> offered = h.call("7.2", "batching()", m::batching);
        applicableOnlyIf(offered != null && offered.isPresent(), "the model does not batch (GenerativeModel.batching()"
                + " is empty)");
        Batching batching = offered.get();
        String prompt = !h.isText() ? null : h.anyCharacter() ? "The"
                : h.vocabulary().map(v -> v.substring(0, Math.min(3, v.length()))).orElse(null);
        List<GenerationRequest> requests = new ArrayList<>(List.of(h.request(2, 300), h.request(1, 301)));
        requests.add(prompt == null ? h.request(1, 302) : h.request(1, 302).with(GenerationRequest.PROMPT, prompt));
        List<List<Sample>> alone = new ArrayList<>();
        List<Texts> aloneTexts = new ArrayList<>();
        for (GenerationRequest r : requests) {
            Texts t = new Texts();
            aloneTexts.add(t);
            alone.add(h.generate(m, t.on(r)));
        }
        List<Texts> batchedTexts = new ArrayList<>();
        List<Batching.Entry> entries = new ArrayList<>();
        int[] joinAt = {0, 2, 5};
        try (Batching.Batch batch = h.call("7.2", "batching().open()", batching::open)) {
            int steps = 0;
            for (int i = 0; i < requests.size(); i++) {
                for (; steps < joinAt[i]; steps++) {
                    h.call("7.2", "step()", batch::step);
                }
                Texts t = new Texts();
                batchedTexts.add(t);
                GenerationRequest r = t.on(requests.get(i));
                entries.add(h.call("7.2", "add(" + shown(r) + ")", () -> batch.add(r)));
            }
            runOut(h, batch);
            for (int i = 0; i < requests.size(); i++) {
                Batching.Entry e = entries.get(i);
                String what = "request " + shown(requests.get(i)) + ", joining a batch at step " + joinAt[i];
                assertTrue(e.isDone() && e.failure() == null, h.violation("7.2", what + " is "
                        + (e.isDone() ? "done with failure " + e.failure() : "not done") + " once the batch ran out"));
                assertEquals(alone.get(i), e.samples(), h.violation("7.2", what + ": its samples differ from"
                        + " generate()'s"));
                assertEquals(aloneTexts.get(i).texts, batchedTexts.get(i).texts, h.violation("7.2", what + ": its"
                        + " listener received other text than generate()'s did"));
            }
        }
        // A listener that throws, beside a request whose samples must not change.
        RuntimeException thrown = new IllegalStateException("tck: the client went away");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        GenerationRequest failing = new GenerationRequest(1, 310, h.request(1, 310).options(), (sample, text) -> {
            if (calls.incrementAndGet() == 2) {
                throw thrown;
            }
        });
        try (Batching.Batch batch = h.call("7.2", "batching().open()", batching::open)) {
            Batching.Entry bad = h.call("7.2", "add", () -> batch.add(failing));
            Batching.Entry good = h.call("7.2", "add", () -> batch.add(requests.get(1)));
            runOut(h, batch);
            if (calls.get() >= 2) {
                boolean found = false;
                for (Throwable t = bad.failure(); t != null && !found; t = t.getCause()) {
                    found = t == thrown;
                }
                assertTrue(bad.isDone() && found, h.violation("7.2", "a request whose listener threw "
                        + thrown + " ended with " + (bad.isDone() ? "failure " + bad.failure() : "nothing: not done")));
            }
            assertTrue(good.isDone() && good.failure() == null && alone.get(1).equals(good.samples()),
                    h.violation("7.2", "a request beside one whose listener threw ended with " + (good.failure() != null
                            ? "failure " + good.failure() : "samples " + Harness.describe(good.samples()) + " where generate()"
                            + " gives " + Harness.describe(alone.get(1)))));
        }
        // Cancelled after one step.
        try (Batching.Batch batch = h.call("7.2", "batching().open()", batching::open)) {
            GenerationRequest longer = h.isText() ? h.request(1, 320).with(GenerationRequest.LENGTH,
                    8 * Harness.SAMPLE_LENGTH) : h.request(1, 320);
            Batching.Entry cancelled = h.call("7.2", "add", () -> batch.add(longer));
            h.call("7.2", "step()", batch::step);
            if (!cancelled.isDone()) {
                h.call("7.2", "cancel()", () -> {
                    cancelled.cancel();
                    return null;
                });
                h.call("7.2", "step()", batch::step);
                assertTrue(cancelled.isDone() && cancelled.failure() != null && h.call("7.2", "active()",
                        batch::active) == 0, h.violation("7.2", "a request cancelled after one step is "
                        + (cancelled.isDone() ? "done with failure " + cancelled.failure() : "not done") + " after the"
                        + " next, with " + batch.active() + " sequences still active"));
            }
        }
        // An option generate() refuses.
        GenerationRequest invalid = h.request(1, 330).with("tck-no-such-option", 1);
        boolean refusedAlone;
        try {
            m.generate(invalid);
            refusedAlone = false;
        } catch (RuntimeException e) {
            refusedAlone = e instanceof PluginException;         // anything else is rule 8.1's, not this rule's
        }
        if (refusedAlone) {
            try (Batching.Batch batch = h.call("7.2", "batching().open()", batching::open)) {
                h.refuses("7.2", "add() of a request with an option generate() refuses", null, "add refuses what"
                        + " generate refuses", () -> batch.add(invalid));
                assertEquals(0, (int) h.call("7.2", "active()", batch::active), h.violation("7.2", "a refused"
                        + " request's sequences joined the batch"));
            }
        }
    }

    private static String shown(GenerationRequest r) {
        return "(count " + r.count() + ", seed " + r.seed() + ", options " + r.options() + ")";
    }

    /** Steps a batch until no sequence is active (bounded: a batch that never ends fails the rule). */
    private static void runOut(Harness h, Batching.Batch batch) {
        for (int steps = 0; h.call("7.2", "step()", batch::step) > 0; steps++) {
            assertTrue(steps < 100_000, h.violation("7.2", "a batch still had sequences active after 100,000 steps"));
        }
    }

    /** What a listener received, per sample. */
    final class Texts implements GenerationListener {
        final List<String> texts = new ArrayList<>();

        GenerationRequest on(GenerationRequest r) {
            return new GenerationRequest(r.count(), r.seed(), r.options(), this);
        }

        @Override
        public synchronized void onText(int sample, String text) {
            while (texts.size() <= sample) {
                texts.add("");
            }
            texts.set(sample, texts.get(sample) + text);
        }
    }
}

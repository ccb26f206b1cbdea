package dev.nova.host.internal.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.Batching;
import dev.nova.api.GenerationRequest;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server's batching threads against a scripted model: a request of {@code steps} steps (its seed) is done after
 * that many steps of the batch it joined; {@code Long.MAX_VALUE} never ends. No sockets, no timing: every wait is for
 * an event, bounded.
 */
class BatcherTests {

    /** A model whose batches count steps; records what joined and how wide each step was. */
    private static final class Scripted implements Batching {
        final List<Long> added = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> widths = Collections.synchronizedList(new ArrayList<>());
        volatile RuntimeException failNextStep;
        volatile RuntimeException failNextOpen;

        @Override
        public Batch open() {
            RuntimeException f = failNextOpen;
            if (f != null) {
                failNextOpen = null;
                throw f;
            }
            return new Batch() {
                final List<Run> runs = new ArrayList<>();

                @Override
                public Entry add(GenerationRequest request) {
                    added.add(request.seed());
                    Run r = new Run(request.seed());
                    runs.add(r);
                    return r;
                }

                @Override
                public int step() {
                    RuntimeException f = failNextStep;
                    if (f != null) {
                        failNextStep = null;
                        throw f;
                    }
                    runs.removeIf(r -> r.done);
                    widths.add(runs.size());
                    for (Run r : runs) {
                        r.step();
                    }
                    runs.removeIf(r -> r.done);
                    Thread.onSpinWait();
                    return runs.size();
                }

                @Override
                public int active() {
                    return runs.size();
                }

                @Override
                public void close() {
                    runs.forEach(r -> r.done = true);
                }
            };
        }
    }

    private static final class Run implements Batching.Entry {
        private final long steps;
        private long taken;
        volatile boolean done;
        volatile boolean cancelled;

        Run(long steps) {
            this.steps = steps;
        }

        void step() {
            if (cancelled) {
                done = true;
                return;
            }
            if (++taken >= steps) {
                done = true;
            }
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public List<Sample> samples() {
            return done && !cancelled ? List.of(new Sample.Text("x".repeat((int) Math.min(taken, 100)))) : List.of();
        }

        @Override
        public RuntimeException failure() {
            return cancelled ? new PluginException("scripted", "cancelled") : null;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static List<GenerationRequest> requests(long... steps) {
        List<GenerationRequest> out = new ArrayList<>();
        for (long s : steps) {
            out.add(GenerationRequest.of(1, s));
        }
        return out;
    }

    private static Batcher.Ticket submit(Batcher b, CountDownLatch done, long... steps) {
        return b.submit(requests(steps), done::countDown);
    }

    @Test
    void requestsSpreadOverTheBatchesAndEachEndsWithItsEntries() throws Exception {
        Scripted model = new Scripted();
        try (Batcher b = new Batcher("m", i -> model, 4, 2)) {
            CountDownLatch done = new CountDownLatch(3);
            Batcher.Ticket one = submit(b, done, 5);
            Batcher.Ticket two = submit(b, done, 7, 3);
            Batcher.Ticket three = submit(b, done, 2);
            assertTrue(done.await(30, TimeUnit.SECONDS), "every request ended");
            for (Batcher.Ticket t : List.of(one, two, three)) {
                assertNull(t.failure());
            }
            assertEquals("x".repeat(7), ((Sample.Text) two.entry(0).samples().get(0)).text());
            assertEquals("x".repeat(3), ((Sample.Text) two.entry(1).samples().get(0)).text());
            assertEquals(4, model.added.size());
            assertTrue(model.widths.stream().allMatch(w -> w <= 2), "a batch of two threads holds 2 each: "
                    + model.widths);
            assertEquals(2, b.threads());
        }
    }

    /** A request of more choices than a batch's room joins an empty batch rather than waiting for ever. */
    @Test
    void aRequestLargerThanABatchJoinsAnEmptyOne() throws Exception {
        Scripted model = new Scripted();
        try (Batcher b = new Batcher("m", i -> model, 2, 2)) {
            CountDownLatch done = new CountDownLatch(1);
            Batcher.Ticket big = submit(b, done, 3, 3, 3);
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertNull(big.failure());
            assertEquals(List.of(3L, 3L, 3L), model.added);
        }
    }

    /** The model fails: the requests of that batch end with its failure; the next request is served by a new batch. */
    @Test
    void aModelFailureEndsItsBatchAndTheNextRequestIsServed() throws Exception {
        Scripted model = new Scripted();
        RuntimeException boom = new PluginException("scripted", "out of native memory");
        model.failNextStep = boom;
        try (Batcher b = new Batcher("m", i -> model, 4, 1)) {
            CountDownLatch first = new CountDownLatch(1);
            Batcher.Ticket failed = submit(b, first, 10);
            assertTrue(first.await(30, TimeUnit.SECONDS));
            assertSame(boom, failed.failure());
            CountDownLatch second = new CountDownLatch(1);
            Batcher.Ticket served = submit(b, second, 4);
            assertTrue(second.await(30, TimeUnit.SECONDS));
            assertNull(served.failure());
            assertEquals(0, b.active());
        }
    }

    /** The model cannot open a batch: the request that came for it fails with that, and the thread serves the next. */
    @Test
    void aBatchThatCannotOpenFailsItsRequestAndTheThreadServesTheNext() throws Exception {
        Scripted model = new Scripted();
        RuntimeException refused = new PluginException("scripted", "cannot allocate the batch's caches");
        model.failNextOpen = refused;
        try (Batcher b = new Batcher("m", i -> model, 2, 1)) {
            CountDownLatch first = new CountDownLatch(1);
            Batcher.Ticket failed = submit(b, first, 3);
            assertTrue(first.await(30, TimeUnit.SECONDS));
            assertSame(refused, failed.failure());
            CountDownLatch second = new CountDownLatch(1);
            Batcher.Ticket served = submit(b, second, 3, 2);
            assertTrue(second.await(30, TimeUnit.SECONDS));
            assertNull(served.failure());
        }
    }

    /** A request cancelled while it waits for room never joins; one cancelled in the batch leaves it. */
    @Test
    void cancelledRequestsLeaveOrNeverJoin() throws Exception {
        Scripted model = new Scripted();
        try (Batcher b = new Batcher("m", i -> model, 1, 1)) {
            CountDownLatch endless = new CountDownLatch(1);
            Batcher.Ticket running = submit(b, endless, Long.MAX_VALUE);
            for (int i = 0; i < 3000 && model.widths.isEmpty(); i++) {
                Thread.sleep(10);                                   // until the first request is being stepped
            }
            CountDownLatch waited = new CountDownLatch(1);
            Batcher.Ticket waiting = submit(b, waited, 2);
            waiting.cancel();
            running.cancel();
            assertTrue(endless.await(30, TimeUnit.SECONDS), "the running request left the batch");
            assertTrue(waited.await(30, TimeUnit.SECONDS), "the waiting request ended without joining");
            assertEquals(List.of(Long.MAX_VALUE), model.added);
            assertInstanceOf(PluginException.class, running.entry(0).failure());
        }
    }

    /** Closing ends the requests in the batch and those waiting with 503. */
    @Test
    void closingFailsWhatIsLeftWith503() throws Exception {
        Scripted model = new Scripted();
        CountDownLatch ended = new CountDownLatch(2);
        Batcher.Ticket running;
        Batcher.Ticket waiting;
        try (Batcher b = new Batcher("m", i -> model, 1, 1)) {
            running = submit(b, ended, Long.MAX_VALUE);
            waiting = submit(b, ended, 3);
            for (int i = 0; i < 3000 && model.widths.isEmpty(); i++) {
                Thread.sleep(10);                                   // until the first request is being stepped
            }
        }
        assertTrue(ended.await(30, TimeUnit.SECONDS));
        for (Batcher.Ticket t : List.of(running, waiting)) {
            ApiError e = assertInstanceOf(ApiError.class, t.failure());
            assertEquals(503, e.status);
        }
    }
}

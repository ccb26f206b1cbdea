package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.List;
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
}

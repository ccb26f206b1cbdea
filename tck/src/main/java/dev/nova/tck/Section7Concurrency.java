package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7, concurrency: generation from one model on several threads.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section7Concurrency extends Rules {

    @Test
    default void required_spec7_1_concurrentGenerationMatchesSequential() throws Exception {
        Harness h = harness();
        GenerativeModel m = h.warm();
        applicableOnlyIf(m.isThreadSafe(), "the plugin declares its models single-threaded; the host serialises generate()");
        List<List<Sample>> sequential = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sequential.add(h.generate(m, h.request(2, 100 + i)));
        }
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Sample>>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long seed = 100 + i;
                futures.add(ex.submit(() -> m.generate(h.request(2, seed))));
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(sequential.get(i), futures.get(i).get(60, TimeUnit.SECONDS),
                        h.violation("7.1", "concurrent generate() with seed " + (100 + i) + " differed from the sequential call"));
            }
        } finally {
            ex.shutdownNow();
        }
    }
}

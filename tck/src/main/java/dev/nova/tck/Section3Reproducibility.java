package dev.nova.tck;

import static dev.nova.tck.Harness.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3, reproducibility: seeds decide samples and training.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section3Reproducibility extends Rules {

    @Test
    default void required_spec3_1_sameSeedGivesSameSamples() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        List<Sample> a = h.generate(m, h.request(3, 7));
        List<Sample> b = h.generate(m, h.request(3, 7));
        assertEquals(a, b, h.violation("3.1", "seed 7 gave " + describe(a) + " then " + describe(b)));
    }

    @Test
    default void required_spec3_2_differentSeedsGiveDifferentSamples() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        List<Sample> a = h.generate(m, h.request(3, 7));
        List<Sample> b = h.generate(m, h.request(3, 8));
        assertTrue(!a.equals(b), h.violation("3.2", "seeds 7 and 8 gave the same samples " + describe(a)));
    }

    @Test
    default void required_spec3_3_sameSeedTrainsTheSameModel() {
        Harness h = harness();
        GenerativeModel m1 = h.fresh();
        GenerativeModel m2 = h.fresh();
        List<Double> l1 = h.train(m1, Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        List<Double> l2 = h.train(m2, Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        assertEquals(l1, l2, h.violation("3.3", "two models with seed " + Harness.SEED + " trained to different losses"));
        assertEquals(h.generate(m1, h.request(2, 1)), h.generate(m2, h.request(2, 1)),
                h.violation("3.3", "two models with seed " + Harness.SEED + " trained to different samples"));
    }
}

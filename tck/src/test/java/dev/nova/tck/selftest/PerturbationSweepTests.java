package dev.nova.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.tck.GeneratorVerification;
import dev.nova.tck.internal.Perturbations;
import dev.nova.tck.internal.Perturbations.Perturbation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Guard the guard: the correct fixtures with one small perturbation of their outputs each ({@link Perturbations}: a
 * flipped sign in a metric, a dropped sample, a shuffled order, a changed byte in a payload, ...), and how many of
 * them the kit notices, in a plugin's own build. The figure is printed, recorded in the SPEC's changelog, and may
 * not fall. ({@code nova tck --perturb} measures the same for any plugin.)
 */
class PerturbationSweepTests {

    /** The perturbation the verification classes below apply (they run one at a time). */
    private static volatile Perturbation current;

    @Test
    void theKitNoticesMostSmallPerturbationsOfACorrectPlugin() {
        List<String> missed = new ArrayList<>();
        int noticed = 0;
        int tried = 0;
        for (Class<?> verification : List.of(PerturbedText.class, PerturbedImage.class)) {
            for (Perturbation p : Perturbation.values()) {
                if (p == Perturbation.NONE) {
                    continue;
                }
                current = p;
                Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(verification)).execute()
                        .testEvents();
                tried++;
                if (tests.failed().count() > 0) {
                    noticed++;
                } else {
                    missed.add(verification.getSimpleName() + " " + p);
                }
            }
        }
        System.out.println("perturbation sweep: the kit noticed " + noticed + " of " + tried + "; missed " + missed);
        // The figure of the SPEC's changelog; a change to the kit may raise it, never lower it.
        assertTrue(noticed >= MIN_NOTICED, "the kit noticed " + noticed + " of " + tried + " perturbations; missed " + missed);
    }

    /** What the kit noticed when this test was written (SPEC changelog). */
    private static final int MIN_NOTICED = 24;

    static final class PerturbedText extends GeneratorVerification {
        @Override
        protected GeneratorProvider provider() {
            return Perturbations.perturb(new FixtureProvider(Modality.TEXT, Flaw.NONE), current);
        }
    }

    static final class PerturbedImage extends GeneratorVerification {
        @Override
        protected GeneratorProvider provider() {
            return Perturbations.perturb(new FixtureProvider(Modality.IMAGE, Flaw.NONE), current);
        }
    }
}

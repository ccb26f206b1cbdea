package dev.nova.runtime.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class BackendProbeTests {

    @Test
    void runsInNamedModulesOnTheModulePath() {
        assertTrue(BackendProbe.class.getModule().isNamed(), "test module should be named");
        assertEquals("dev.nova.runtime.check", BackendProbe.class.getModule().getName());
        assertEquals("dev.nova.runtime", Nd4j.class.getModule().getName(),
                "ND4J should come from the shaded runtime module, not the class path");
    }

    @Test
    void nativeCpuBackendLoads() {
        assertEquals("org.nd4j.linalg.cpu.nativecpu.CpuBackend", BackendProbe.backendName());
    }

    @Test
    void sameDiffTrainingReducesLoss() {
        List<Double> losses = BackendProbe.trainLinearRegression(30, 42);
        assertTrue(losses.stream().allMatch(Double::isFinite), "losses should be finite: " + losses);
        double first = losses.get(0);
        double last = losses.get(losses.size() - 1);
        assertTrue(last < first * 0.5, "loss should at least halve in 30 steps: " + first + " -> " + last);
    }
}

package dev.nova.host.internal.run;

import java.util.Map;
import java.util.function.Function;

/**
 * The data-parallel engine of a cluster launcher (nova-spark) that runs the host: given a setup, it returns the
 * function that computes one step's summed gradient on the cluster. JDK types only, because the launcher lives
 * outside the host's module layer; the maps it exchanges are described in {@link ClusterTraining}.
 *
 * @param setup setup → (request → reply)
 */
public record ClusterEngine(Function<Map<String, Object>, Function<Map<String, Object>, Map<String, Object>>> setup) {
}

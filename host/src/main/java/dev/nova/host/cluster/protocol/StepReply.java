package dev.nova.host.cluster.protocol;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a cluster launcher's engine returns for one step: the gradient summed over every slice of the batch, and the
 * slices' additive statistics (loss sum and units among them, see {@code DataParallel}). Crosses the layer boundary as
 * the map of {@link #toMap()}.
 *
 * @param gradient the summed gradient, one value per parameter
 * @param statistics the summed statistics
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record StepReply(float[] gradient, Map<String, Double> statistics) {

    /** Checks and copies the fields. */
    public StepReply {
        Objects.requireNonNull(gradient, "gradient");
        statistics = new LinkedHashMap<>(Objects.requireNonNull(statistics, "statistics"));
    }

    /**
     * The map that crosses the layer boundary.
     *
     * @return keys {@code gradient} (float[]) and {@code statistics} (a map of String to Double)
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new HashMap<>();
        m.put("gradient", gradient);
        m.put("statistics", new HashMap<>(statistics));
        return m;
    }

    /**
     * Reads the map of {@link #toMap()}.
     *
     * @param m the map
     * @return the reply
     * @throws IllegalArgumentException when a key is missing or of another type
     */
    public static StepReply of(Map<String, ?> m) {
        Map<?, ?> raw = Maps.get(m, "statistics", Map.class);
        Map<String, Double> statistics = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (!(k instanceof String name) || !(v instanceof Number n)) {
                throw new IllegalArgumentException("statistics must map names to numbers, found " + k + " = " + v);
            }
            statistics.put(name, n.doubleValue());
        });
        return new StepReply(Maps.get(m, "gradient", float[].class), statistics);
    }
}

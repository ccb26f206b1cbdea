package dev.nova.host.cluster.protocol;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One step the host asks a cluster launcher's engine for: the summed gradient of the step's global batch at the
 * given parameters. Crosses the layer boundary as the map of {@link #toMap()}.
 *
 * @param step the model's step count (the step computed is {@code step + 1})
 * @param parameters the model's parameters
 * @param batch the step's global batch, in items
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record StepRequest(long step, float[] parameters, int batch) {

    /** Checks the fields. */
    public StepRequest {
        Objects.requireNonNull(parameters, "parameters");
    }

    /**
     * The map that crosses the layer boundary.
     *
     * @return keys {@code step} (Long), {@code parameters} (float[]), {@code batch} (Integer)
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new HashMap<>();
        m.put("step", step);
        m.put("parameters", parameters);
        m.put("batch", batch);
        return m;
    }

    /**
     * Reads the map of {@link #toMap()}.
     *
     * @param m the map
     * @return the request
     * @throws IllegalArgumentException when a key is missing or of another type
     */
    public static StepRequest of(Map<String, ?> m) {
        return new StepRequest(Maps.get(m, "step", Number.class).longValue(), Maps.get(m, "parameters", float[].class),
                Maps.get(m, "batch", Number.class).intValue());
    }
}

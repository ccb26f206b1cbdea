package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.GenerativeModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The metrics a character model's evaluation reports, in this order: {@code loss} (mean negative log-likelihood per
 * character, nats), {@code bits-per-char} (the same in bits) and {@code characters} (how many were scored).
 *
 * @since 1.1
 */
@API(status = EXPERIMENTAL, since = "1.1")
public final class TextMetrics {

    private TextMetrics() {
    }

    /**
     * The held-out metrics.
     *
     * @param meanNats mean negative log-likelihood per character, in nats
     * @param characters characters scored
     * @return the metrics, in a stable order
     */
    public static Map<String, Double> of(double meanNats, long characters) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(GenerativeModel.LOSS, meanNats);
        m.put("bits-per-char", meanNats / Math.log(2));
        m.put("characters", (double) characters);
        return m;
    }
}

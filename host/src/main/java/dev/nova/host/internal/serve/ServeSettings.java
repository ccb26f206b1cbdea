package dev.nova.host.internal.serve;

import java.util.List;
import java.util.Optional;

/**
 * How {@code nova serve} serves.
 *
 * @param host the address to bind
 * @param port the port, 0 for any free one
 * @param token the bearer token every {@code /v1} and {@code /metrics} request must carry, if any
 * @param workers workers per model
 * @param queue requests per model that may wait for a worker beyond those working
 * @param timeoutSeconds how long a request may take, waiting included
 * @param maxTokens the most characters one choice may ask for
 * @param maxCount the most choices or images one request may ask for
 * @param maxBody the largest request body, in bytes
 * @param graceSeconds how long a shutdown waits for requests in flight
 * @param allowHosts names the server answers to besides loopback names, addresses and {@code host} ({@link HostCheck})
 * @param allowOrigins sites whose pages may use the server
 */
public record ServeSettings(String host, int port, Optional<String> token, int workers, int queue, int timeoutSeconds,
                            int maxTokens, int maxCount, int maxBody, int graceSeconds, List<String> allowHosts,
                            List<String> allowOrigins) {

    /** Copies the lists. */
    public ServeSettings {
        allowHosts = List.copyOf(allowHosts);
        allowOrigins = List.copyOf(allowOrigins);
    }
}

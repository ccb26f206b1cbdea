package dev.nova.host.internal.serve;

import com.sun.net.httpserver.Headers;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The names a server answers to and the sites whose pages may use it, against DNS rebinding: a page on a domain that
 * re-resolves to 127.0.0.1 reaches a loopback server with its own name in {@code Host} and its own site in
 * {@code Origin}, and without this check could drive it (as Ollama and llama.cpp's server check, for the same reason).
 *
 * <p>{@code Host} may be a loopback name ({@code localhost}, {@code *.localhost}), an IP address (a page's name is
 * never one), the address the server was bound to, or a name given with {@code --allow-host} ({@code *}: any). A
 * request with an {@code Origin} (every cross-site request a browser makes, and its same-site POSTs) is answered when
 * the origin is the server's own (its scheme and the request's {@code Host}) or one given with {@code --allow-origin}
 * ({@code *}: any); pages of allowed origins get the CORS headers they need to read the answers.
 */
final class HostCheck {

    private final String bindHost;
    private final Set<String> hosts;
    private final Set<String> origins;

    /**
     * Creates the check.
     *
     * @param bindHost the address or name the server was bound to
     * @param allowHosts more names to answer to
     * @param allowOrigins sites whose pages may use the server ({@code https://app.example})
     */
    HostCheck(String bindHost, List<String> allowHosts, List<String> allowOrigins) {
        this.hosts = allowHosts.stream().map(HostCheck::name).collect(Collectors.toUnmodifiableSet());
        this.origins = allowOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT).replaceAll("/+$", ""))
                .collect(Collectors.toUnmodifiableSet());
        this.bindHost = name(bindHost);
    }

    /**
     * Checks a request's {@code Host} and {@code Origin}.
     *
     * @param headers the request's headers
     * @return the request's origin when it is another site's that may use the server (its answers carry CORS headers)
     * @throws ApiError 403 naming the header, its value and the option that would allow it
     */
    Optional<String> check(Headers headers) {
        String host = headers.getFirst("Host");
        if (host != null && !allowedHost(host)) {
            throw new ApiError(403, "invalid_request_error", "Host", "host_not_allowed", "Host '" + printable(host)
                    + "' is not a name this server answers to (a page of another site may be reaching it through DNS"
                    + " rebinding); if the name is yours, start nova serve with --allow-host " + printable(name(host)),
                    null);
        }
        String origin = headers.getFirst("Origin");
        if (origin == null) {
            return Optional.empty();
        }
        String o = origin.toLowerCase(Locale.ROOT);
        if (host != null && (o.equals("http://" + host.toLowerCase(Locale.ROOT))
                || o.equals("https://" + host.toLowerCase(Locale.ROOT)))) {
            return Optional.empty();
        }
        if (origins.contains("*") || origins.contains(o)) {
            return Optional.of(origin);
        }
        throw new ApiError(403, "invalid_request_error", "Origin", "origin_not_allowed", "Origin '" + printable(origin)
                + "' may not use this server: its pages are another site's; to let them, start nova serve with"
                + " --allow-origin " + printable(origin), null);
    }

    private boolean allowedHost(String header) {
        String name = name(header);
        return name.equals("localhost") || name.endsWith(".localhost") || isAddress(name) || name.equals(bindHost)
                || hosts.contains(name) || hosts.contains("*");
    }

    /** The name of a {@code Host} value or an option: lower case, without port, brackets or a trailing dot. */
    static String name(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : h;
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
            h = h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** An IPv4 or IPv6 literal, recognised by its form (no lookup). */
    private static boolean isAddress(String name) {
        return name.matches("(\\d{1,3}\\.){3}\\d{1,3}") || name.contains(":") && name.matches("[0-9a-f:.]+");
    }

    /** A header value as it may be shown: at most 200 characters, control characters escaped. */
    private static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        StringBuilder b = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}

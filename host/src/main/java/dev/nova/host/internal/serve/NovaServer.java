package dev.nova.host.internal.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import dev.nova.host.internal.support.Terminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side of {@code nova serve}, on the JDK's own server ({@code jdk.httpserver}): routing, the bearer token,
 * content types and body limits, errors as OpenAI-shaped JSON, the page's files, {@code /healthz}, {@code /metrics},
 * and a graceful stop (new requests refused, those in flight finished).
 */
public final class NovaServer implements AutoCloseable {

    /** The page's files, served from the jar. */
    private static final Map<String, String> PAGE = Map.of("/", "index.html", "/index.html", "index.html",
            "/app.js", "app.js", "/style.css", "style.css");

    /** Threads beyond those of the models' workers and queues. */
    static final int QUICK_THREADS = 256;

    /** How long a client may take to send a request (headers and body). */
    static final int REQUEST_SECONDS = 10;

    static {
        // Without TCP_NODELAY a small answer waited for the client's delayed acknowledgement: 100 ms per 400-character
        // completion instead of 55 (one client, bench/lib/ServeLoad.java). Read once, when the JDK's server loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // A client that has not sent its whole request within REQUEST_SECONDS is disconnected: 60 clients sending a
        // header byte a second held every thread, and an authorised completion had no answer in 40 s.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        }
    }

    /** An endpoint that takes a JSON body. */
    interface Handler {
        void handle(Reply reply, Fields fields, Deadline deadline) throws IOException;
    }

    /**
     * A {@code POST} endpoint of the table.
     *
     * @param handler answers it
     * @param field the request field a plugin's refused option came from, by the option's key
     */
    private record Route(Handler handler, java.util.function.UnaryOperator<String> field) {
    }

    private final List<ServedModel> models;
    private final ServeSettings settings;
    private final Terminal terminal;
    private final Metrics metrics;
    private final OpenAiEndpoints openAi;
    private final HostCheck hostCheck;
    private final Map<String, Route> routes;
    private final byte[] tokenDigest;
    private final AtomicInteger inFlight = new AtomicInteger();
    private HttpServer server;
    private ExecutorService threads;
    private volatile boolean draining;

    /**
     * Creates a server for models already restored.
     *
     * @param models the models, by their ids
     * @param settings address, token, limits
     * @param terminal where the server reports
     */
    public NovaServer(ServedModels served, ServeSettings settings, Terminal terminal) {
        List<ServedModel> models = served.models();
        this.models = List.copyOf(models);
        this.settings = settings;
        this.terminal = terminal;
        this.metrics = new Metrics(this.models);
        this.hostCheck = new HostCheck(settings.host(), settings.allowHosts(), settings.allowOrigins());
        Generation generation = new Generation(metrics);
        this.openAi = new OpenAiEndpoints(served, settings, generation);
        NovaEndpoints nova = new NovaEndpoints(served, settings, generation);
        this.routes = Map.of(
                "/v1/completions", new Route(openAi::completions, OpenAi::field),
                "/v1/images/generations", new Route(openAi::images, OpenAi::field),
                "/v1/generate", new Route(nova::generate, option -> "options." + option),
                "/tokenize", new Route(openAi::tokenize, OpenAi::field),
                "/detokenize", new Route(openAi::detokenize, OpenAi::field));
        this.tokenDigest = settings.token().map(NovaServer::digest).orElse(null);
    }

    /**
     * Binds the address and starts answering.
     *
     * @return the bound address (the port chosen when 0 was asked for)
     * @throws IOException when the address cannot be bound
     */
    public InetSocketAddress start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
        // One thread per request a model may hold (working or queued), and QUICK_THREADS for quick answers (429s,
        // health, metrics, the page) and for clients still sending their requests: slow senders hold a thread each
        // until REQUEST_SECONDS, and with 16 such threads 60 of them starved an authorised completion for 8.7 s.
        // Connections beyond that wait for a thread, they are not dropped; idle threads end after 30 s.
        int n = models.stream().mapToInt(m -> m.slots() + m.queue()).sum() + QUICK_THREADS;
        AtomicInteger count = new AtomicInteger();
        threads = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "nova-serve-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) threads).allowCoreThreadTimeOut(true);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress();
    }

    /**
     * Stops: refuses new requests (503 while the listener closes), waits up to the grace period for those in flight,
     * then closes the models.
     */
    @Override
    public void close() {
        draining = true;
        if (server != null) {
            // New requests are answered 503 from here on; those in flight have the grace period to finish. The JDK's
            // own stop(delay) waits the whole delay on Java 17 even with nothing in flight (fixed in 21, JDK-8304065),
            // so the wait is here and stop(0) only closes the listener and the idle connections.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.graceSeconds());
            while (inFlight.get() > 0 && System.nanoTime() - end < 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            server.stop(0);
            threads.shutdown();
        }
        for (ServedModel m : models) {
            m.close();
        }
    }

    /** Requests being answered now. */
    public int inFlight() {
        return inFlight.get();
    }

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        Reply reply = new Reply(exchange);
        String path = exchange.getRequestURI().getPath();
        String endpoint = endpointOf(path);
        try {
            route(reply, exchange.getRequestMethod(), path);
        } catch (ApiError e) {
            fail(reply, e);
        } catch (TextJob.ClientGone | TextJob.Halt gone) {
            reply.statusIfUnset(499);
        } catch (InvalidOptionException e) {
            Route route = routes.get(path);
            fail(reply, ApiError.field(route == null ? e.option() : route.field().apply(e.option()), e.getMessage()));
        } catch (PluginException e) {
            fail(reply, ApiError.status(500, "server_error", "plugin_failed", e.getMessage()));
        } catch (IOException | UncheckedIOException e) {
            reply.statusIfUnset(499);
        } catch (RuntimeException e) {
            terminal.err().println("nova: serve: " + exchange.getRequestMethod() + " " + path + " failed: " + e);
            fail(reply, ApiError.status(500, "server_error", "internal_error", "internal error: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } finally {
            metrics.request(endpoint, reply.status(), (System.nanoTime() - start) / 1e9);
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    private void route(Reply reply, String method, String path) throws IOException {
        HttpExchange ex = reply.exchange();
        Optional<String> crossOrigin = hostCheck.check(ex.getRequestHeaders());
        if (crossOrigin.isPresent()) {
            // A page of a site the user allowed: it may read the answers, and its preflights are answered.
            ex.getResponseHeaders().set("Access-Control-Allow-Origin", crossOrigin.get());
            ex.getResponseHeaders().set("Vary", "Origin");
            if (method.equals("OPTIONS")) {
                ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST");
                ex.getResponseHeaders().set("Access-Control-Allow-Headers", "Authorization, Content-Type");
                ex.getResponseHeaders().set("Access-Control-Max-Age", "600");
                reply.send(204, "text/plain; charset=utf-8", new byte[0]);
                return;
            }
        }
        if (path.equals("/healthz")) {
            allow(method, "GET");
            reply.json(draining ? 503 : 200, Wire.object("status", draining ? "stopping" : "ok", "models",
                    models.size()));
            return;
        }
        if (draining) {
            throw ApiError.later(503, "shutting_down", "the server is shutting down", 5);
        }
        String page = PAGE.get(path);
        if (page != null) {
            allow(method, "GET");
            page(reply, page);
            return;
        }
        if (!path.startsWith("/v1/") && !path.equals("/metrics") && !routes.containsKey(path)) {
            throw ApiError.status(404, "invalid_request_error", "not_found", "no endpoint " + path + "; see GET /v1/models,"
                    + " POST /v1/completions, /v1/images/generations, /v1/generate, /tokenize, /detokenize");
        }
        authorize(ex);
        if (path.equals("/metrics")) {
            allow(method, "GET");
            reply.send(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.render().getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals("/v1/models") || path.startsWith("/v1/models/")) {
            allow(method, "GET");
            openAi.models(reply, path.equals("/v1/models") ? null : path.substring("/v1/models/".length()));
            return;
        }
        Route route = routes.get(path);
        if (route == null) {
            throw ApiError.status(404, "invalid_request_error", "not_found", "no endpoint " + path
                    + "; see GET /v1/models, POST /v1/completions, /v1/images/generations, /v1/generate");
        }
        allow(method, "POST");
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            throw new ApiError(415, "invalid_request_error", "Content-Type", "unsupported_media_type",
                    "Content-Type must be application/json, found " + (type == null ? "none" : type), null);
        }
        Fields fields = new Fields(Wire.read(reply.body(settings.maxBody())));
        route.handler().handle(reply, fields, Deadline.after(settings.timeoutSeconds()));
    }

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "invalid_request_error", null, "method_not_allowed", method
                    + " is not allowed here; use " + allowed, null);
        }
    }

    /** Bearer token, compared in constant time (both sides hashed, so their lengths do not show either). */
    private void authorize(HttpExchange ex) {
        if (tokenDigest == null) {
            return;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "invalid_request_error", "Authorization", "invalid_api_key",
                    "this server needs a token: send Authorization: Bearer <token>", null);
        }
        if (!MessageDigest.isEqual(tokenDigest, digest(header.substring(7).trim()))) {
            throw new ApiError(401, "invalid_request_error", "Authorization", "invalid_api_key",
                    "the bearer token in Authorization is not this server's token", null);
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void page(Reply reply, String name) throws IOException {
        byte[] body;
        try (InputStream in = NovaServer.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's " + name + " is missing from the host's jar");
            }
            body = in.readAllBytes();
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        reply.exchange().getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; media-src 'self' data:; object-src 'none'; base-uri 'none';"
                        + " frame-ancestors 'none'");
        reply.exchange().getResponseHeaders().set("Cache-Control", "no-cache");
        reply.send(200, type, body);
    }

    private void fail(Reply reply, ApiError e) {
        try {
            if (reply.streaming()) {
                reply.event(Wire.error(e));
            } else if (!reply.started()) {
                if (e.retryAfter != null) {
                    reply.exchange().getResponseHeaders().set("Retry-After", e.retryAfter);
                }
                if (e.status == 405) {
                    reply.exchange().getResponseHeaders().set("Allow", e.getMessage().substring(
                            e.getMessage().lastIndexOf(' ') + 1));
                }
                reply.json(e.status, Wire.error(e));
            }
        } catch (IOException gone) {
            reply.statusIfUnset(499);
        }
    }

    private static String endpointOf(String path) {
        if (PAGE.containsKey(path)) {
            return "/";
        }
        if (path.startsWith("/v1/models/")) {
            return "/v1/models/{id}";
        }
        return switch (path) {
            case "/healthz", "/metrics", "/v1/models", "/v1/completions", "/v1/images/generations", "/v1/generate",
                 "/tokenize", "/detokenize" -> path;
            default -> "other";
        };
    }
}

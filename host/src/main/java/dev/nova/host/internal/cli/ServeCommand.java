package dev.nova.host.internal.cli;

import dev.nova.host.internal.di.HostComponent;
import dev.nova.host.internal.media.Png;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.serve.NovaServer;
import dev.nova.host.internal.serve.ServeSettings;
import dev.nova.host.internal.serve.ServedModels;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code nova serve}: trained models over HTTP (OpenAI-compatible completions and images, Nova's own generate, a page). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve trained models over HTTP: OpenAI-compatible /v1/completions (streaming too) and",
            "/v1/images/generations, Nova's /v1/generate, /v1/models, /healthz, /metrics, and a page at / to try them.",
            "Ctrl-C or SIGTERM stops: requests in flight finish, new ones are refused."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "[NAME=]RUN_OR_CHECKPOINT",
            description = "Runs or checkpoints to serve; a model's name is NAME, else the run folder's (or file's) name.")
    List<String> models;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}: this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--token", defaultValue = "${env:NOVA_SERVE_TOKEN}",
            description = "Require Authorization: Bearer TOKEN on /v1 and /metrics (default: $NOVA_SERVE_TOKEN).")
    String token;

    @Option(names = "--insecure", description = "Allow a non-loopback --host without a token.")
    boolean insecure;

    @Option(names = "--allow-host", paramLabel = "NAME", description = "Also answer requests for this host name"
            + " (repeatable; * for any). Loopback names, IP addresses and --host are always answered; other names are"
            + " refused, so that a page cannot reach the server through DNS rebinding.")
    List<String> allowHosts = new java.util.ArrayList<>();

    @Option(names = "--allow-origin", paramLabel = "ORIGIN", description = "Let pages of this site use the server"
            + " from a browser, as https://app.example (repeatable; * for any). Other sites' pages are refused.")
    List<String> allowOrigins = new java.util.ArrayList<>();

    @Option(names = "--workers", defaultValue = "2", description = "Workers per model (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--queue", description = "Requests per model that may wait for a worker (default: 4 x --workers);"
            + " beyond them the server answers 429.")
    Integer queue;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "N", description = "Generate up to N text requests"
            + " (choices) together, one forward pass per token for all of them, when the model's plugin can; each"
            + " request's text is what it is alone. 1 generates requests one after another on the workers"
            + " (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Longest a request may take, waiting included (default ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--max-tokens", defaultValue = "4096", description = "Most characters one choice may ask for"
            + " (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-n", defaultValue = "16", description = "Most choices or images one request may ask for"
            + " (default ${DEFAULT-VALUE}).")
    int maxCount;

    @Option(names = "--max-body", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest request body (default ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "How long stopping waits for requests in flight (default ${DEFAULT-VALUE}).")
    int grace;

    @Mixin
    NovaCommand.PluginPath pluginPath;

    @CommandLine.ParentCommand
    NovaCommand nova;

    @Override
    public Integer call() throws IOException, InterruptedException {
        check(workers >= 1 && workers <= 64, "--workers must be in [1, 64], found " + workers);
        int q = queue == null ? 4 * workers : queue;
        check(q >= 0 && q <= 10_000, "--queue must be in [0, 10000], found " + q);
        check(batch >= 1 && batch <= 256, "--batch must be in [1, 256], found " + batch);
        check(port >= 0 && port <= 65_535, "--port must be in [0, 65535], found " + port);
        check(timeout >= 1, "--timeout must be at least 1 second, found " + timeout);
        check(maxTokens >= 1, "--max-tokens must be at least 1, found " + maxTokens);
        check(maxCount >= 1 && maxCount <= 1024, "--max-n must be in [1, 1024], found " + maxCount);
        check(maxBody >= 1024, "--max-body must be at least 1024 bytes, found " + maxBody);
        check(grace >= 0, "--grace must be >= 0 seconds, found " + grace);
        if (token != null && token.isBlank()) {
            throw new UsageException("--token (or NOVA_SERVE_TOKEN) is empty, as an unset variable gives: give the"
                    + " token, or leave both out to serve without one on a loopback address");
        }
        Optional<String> tok = Optional.ofNullable(token);
        if (!loopback(host) && tok.isEmpty() && !insecure) {
            throw new UsageException("--host " + host + " is not a loopback address: anyone who reaches it could use"
                    + " the server; give --token TOKEN (or NOVA_SERVE_TOKEN), or --insecure to serve without one");
        }
        ServeSettings settings = new ServeSettings(host, port, tok, workers, q, timeout, maxTokens, maxCount, maxBody,
                grace, allowHosts, allowOrigins);
        Png.encodeInMemory();
        ServedModels served = ServedModels.open(models, workers, q, batch, path -> {
            HostComponent c = nova.component(Invocation.read(path, pluginPath.get()));
            return c.modelLoader().open();
        }, nova.terminal);
        NovaServer server = new NovaServer(served, settings, nova.terminal);
        InetSocketAddress address;
        try {
            address = server.start();
        } catch (IOException e) {
            server.close();
            throw new UsageException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            int inFlight = server.inFlight();
            nova.terminal.err().println("nova: serve: stopping; " + inFlight + (inFlight == 1 ? " request" : " requests")
                    + " in flight may take up to " + grace + " s to finish");
            server.close();
            nova.terminal.err().println("nova: serve: stopped");
            stopped.countDown();
        }, "nova-serve-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        String where = address.getAddress().isAnyLocalAddress() ? host : address.getAddress().getHostAddress();
        if (where.contains(":")) {
            where = "[" + where + "]";
        }
        nova.terminal.out().println("nova: serving " + served.models().size() + (served.models().size() == 1
                ? " model" : " models") + " at http://" + where + ":" + address.getPort() + "/"
                + (tok.isPresent() ? " (token required)" : "") + "; Ctrl-C stops");
        nova.terminal.out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // The command line was run in a thread of a larger program (a test, an application) that interrupted it:
            // stop as on SIGTERM, in this thread, and leave the JVM running.
            Runtime.getRuntime().removeShutdownHook(stop);
            stop.run();
            return 130;
        }
        return 0;
    }

    private static boolean loopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new UsageException("--host " + host + " is not an address of this machine: " + e.getMessage());
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }

}

package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code nova serve} process for a test: started on port 0 (the server picks a free port and prints it), its
 * address read from standard output, stopped with SIGTERM. Requests go to loopback only.
 */
final class Served implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("at (http://127\\.0\\.0\\.1:(\\d+)/)");

    final Process process;
    final String url;
    final int port;
    final Path err;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private Served(Process process, String url, int port, Path err) {
        this.process = process;
        this.url = url;
        this.port = port;
        this.err = err;
    }

    /** Starts {@code nova serve ARGS --port 0} and waits (at most 180 s) for it to print its address. */
    static Served start(Path scratch, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", LauncherIT.LIB.toString(), "--add-modules", "ALL-MODULE-PATH", "-m",
                "dev.nova.host/dev.nova.host.Main", "serve", "--port", "0"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "serve-out", ".txt");
        Path err = Files.createTempFile(scratch, "serve-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < end) {
            Matcher m = URL.matcher(Files.readString(out));
            if (m.find()) {
                return new Served(p, m.group(1), Integer.parseInt(m.group(2)), err);
            }
            if (!p.isAlive()) {
                fail("nova serve exited with " + p.exitValue() + ": " + Files.readString(err));
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        fail("nova serve printed no address within 180 s: " + Files.readString(err));
        return null;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path.substring(1))).timeout(Duration.ofSeconds(120)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path.substring(1))).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A request on a raw socket with the headers given as they are (a browser's {@code Host} and {@code Origin}, which
     * Java's HTTP client does not let a caller set).
     *
     * @return the status line, headers and body, as received
     */
    String raw(String method, String path, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            s.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A request on a raw socket, so that a test can read a stream event by event and hang up mid-way. */
    Stream stream(String path, String json) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(120_000);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream o = s.getOutputStream();
        o.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        o.write(body);
        o.flush();
        return new Stream(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)));
    }

    /** The server-sent events of one response, {@code data:} payloads in order. */
    record Stream(Socket socket, BufferedReader in) implements AutoCloseable {
        /** The next {@code data:} payload, or null at the end. */
        String next() throws IOException {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    return line.substring(6);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** SIGTERM, and waits for the process to end. */
    int stop() throws Exception {
        process.destroy();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "nova serve ended within 180 s of SIGTERM");
        return process.exitValue();
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

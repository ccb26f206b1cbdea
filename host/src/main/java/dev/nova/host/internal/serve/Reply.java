package dev.nova.host.internal.serve;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One exchange's answer: a whole body, or a stream of server-sent events. Remembers what it has sent. */
final class Reply {

    private final HttpExchange exchange;
    private int status;
    private boolean events;
    private Preface preface;

    /** What a deferred event stream sends right after its headers. */
    interface Preface {
        void send() throws IOException;
    }

    Reply(HttpExchange exchange) {
        this.exchange = exchange;
    }

    int status() {
        return status;
    }

    /** Records a status for the metrics when nothing could be sent (499: the client went away). */
    void statusIfUnset(int code) {
        if (status == 0) {
            status = code;
        }
    }

    boolean started() {
        return status != 0;
    }

    boolean streaming() {
        return events;
    }

    HttpExchange exchange() {
        return exchange;
    }

    /**
     * Reads the request body, refusing one longer than {@code max} bytes.
     *
     * @throws ApiError 413
     */
    byte[] body(int max) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        ApiError tooLarge = new ApiError(413, "invalid_request_error", null, "body_too_large",
                "the request body is larger than the server's limit of " + max + " bytes (nova serve --max-body)",
                null);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > max) {
                    throw tooLarge;
                }
            } catch (NumberFormatException e) {
                throw ApiError.request("Content-Length is not a number: " + length);
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw tooLarge;
            }
            return bytes;
        }
    }

    void json(int code, Object body) throws IOException {
        send(code, "application/json", Wire.bytes(body));
    }

    void send(int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        status = code;
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Starts a {@code text/event-stream} answer (status 200, chunked). */
    void startEvents() throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        status = 200;
        events = true;
        exchange.sendResponseHeaders(200, 0);
    }

    /**
     * Makes the answer a {@code text/event-stream} whose headers go out with its first event, preceded by
     * {@code preface}'s events (an echoed prompt): until then nothing is sent, so a request the plugin refuses before
     * its first token is still answered with its own status (400 and a JSON error), not 200 and an error event.
     */
    void eventsOnFirst(Preface preface) {
        this.preface = preface == null ? () -> { } : preface;
    }

    /** Sends one event, {@code data: <json>}, and flushes it to the client. */
    void event(Object json) throws IOException {
        data(Wire.write(json));
    }

    /** Sends {@code data: [DONE]}, the end of an OpenAI stream. */
    void done() throws IOException {
        data("[DONE]");
    }

    private void startDeferred() throws IOException {
        if (preface != null && !events) {
            Preface p = preface;
            preface = null;
            startEvents();
            p.send();
        }
    }

    private void data(String text) throws IOException {
        startDeferred();
        OutputStream out = exchange.getResponseBody();
        out.write(("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

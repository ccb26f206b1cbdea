package dev.nova.host.internal.serve;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text samples for one request: each choice is its own generation with seed {@code seed + index} (so choice 0 is what
 * {@code nova generate --seed seed} prints), ended by the length, a stop sequence (not included), the deadline, or the
 * client going away. Text reaches the sink as the plugin produces it, held back only while it could be the start of a
 * stop sequence.
 */
final class TextJob {

    /** Where streamed text goes; an {@link IOException} means the client went away. */
    interface Sink {
        void text(int choice, String text) throws IOException;
    }

    /**
     * A finished choice.
     *
     * @param index its index
     * @param text the text generated
     * @param finishReason length, stop
     * @param tokens its tokens with their log-probabilities, when asked for (those of text cut by a stop sequence
     *     included: the caller keeps those the text holds)
     */
    record Choice(int index, String text, String finishReason, List<dev.nova.api.TokenChoice> tokens) {
    }

    /** Why generation was stopped from the listener. */
    enum Reason { STOP, TIMEOUT, GONE }

    /** Thrown from the listener to end a generation early; found again in the plugin's exception chain. */
    static final class Halt extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Reason reason;

        Halt(Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }

    /** The client went away; nothing more can be written to it. */
    static final class ClientGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClientGone() {
            super("client went away", null, false, false);
        }
    }

    private final String pluginId;
    private final String prompt;
    private final Map<String, Object> options;
    private final int maxTokens; // -1: the plugin's default length
    private final List<String> stop;
    private final Deadline deadline;
    private final Sink sink;
    private final List<Watch> watches = new ArrayList<>();

    TextJob(String pluginId, String prompt, Map<String, Object> options, int maxTokens, List<String> stop,
            Deadline deadline, Sink sink) {
        this.pluginId = pluginId;
        this.prompt = prompt;
        this.options = options;
        this.maxTokens = maxTokens;
        this.stop = stop;
        this.deadline = deadline;
        this.sink = sink;
    }

    /**
     * The text generated so far for each choice begun: all of it once {@link #run} returned, and what there was when
     * it failed (the client went away, the deadline passed).
     */
    List<String> generated() {
        return watches.stream().map(Watch::text).toList();
    }

    /** Generates choices {@code 0..n-1} on a worker's model (guarded by its pool: whatever the plugin throws names it). */
    List<Choice> run(GenerativeModel model, int n, long seed) {
        List<Choice> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(one(model, i, seed + i));
        }
        return out;
    }

    /**
     * Generates choices {@code 0..n-1} in the model's batch, alongside other requests: each choice is the same
     * request as {@link #run} makes, so the same text. Text is sent from this (the request's) thread as the batch
     * produces it; a client that goes away or a deadline that passes cancels the choices, which leave the batch before
     * its next step.
     */
    List<Choice> runBatched(Batcher batcher, int n, long seed) throws InterruptedException {
        if (maxTokens == 0) {
            List<Choice> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new Choice(i, "", "length", List.of()));
            }
            return out;
        }
        java.util.concurrent.LinkedBlockingQueue<Object> events = new java.util.concurrent.LinkedBlockingQueue<>();
        Object done = new Object();
        // Streamed text goes through the queue to this thread; a plain request's text is only collected.
        Sink relay = sink == null ? null : (choice, text) -> events.add(new Object[] {choice, text});
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Watch watch = new Watch(i, relay);
            watches.add(watch);
            requests.add(request(seed + i, watch));
        }
        Batcher.Ticket ticket = batcher.submit(requests, () -> events.add(done));
        try {
            while (true) {
                Object e = events.poll(Math.max(1, deadline.remainingMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
                if (e == done) {
                    break;
                }
                if (e == null) {
                    ticket.cancel();
                    throw ApiError.status(504, "server_error", "timeout", "generation ran past the request timeout of "
                            + deadline.seconds() + " s");
                }
                forward((Object[]) e, ticket);
            }
        } catch (InterruptedException | RuntimeException e) {
            ticket.cancel();
            throw e;
        }
        if (ticket.failure() != null) {
            throw ticket.failure();
        }
        List<Choice> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Watch watch = watches.get(i);
            dev.nova.api.Batching.Entry entry = ticket.entry(i);
            String finish = ended(entry.failure());
            List<Sample> samples = entry.samples();
            if (entry.failure() == null && !watch.streamed && !samples.isEmpty()
                    && samples.get(0) instanceof Sample.Text t) {
                String all = t.text();
                watch.take(all.startsWith(prompt) ? all.substring(prompt.length()) : all);
            }
            if (watch.stopped) {
                finish = "stop";
            }
            watch.flush();
            for (Object e; (e = events.poll()) != null; ) {
                if (e != done) {
                    forward((Object[]) e, ticket);
                }
            }
            out.add(new Choice(i, watch.text(), finish, List.copyOf(watch.tokens)));
        }
        return out;
    }

    /** Sends a piece of a choice's text to the client; a client that went away cancels the ticket. */
    private void forward(Object[] event, Batcher.Ticket ticket) {
        if (sink == null) {
            return;
        }
        try {
            sink.text((Integer) event[0], (String) event[1]);
        } catch (IOException gone) {
            ticket.cancel();
            throw new ClientGone();
        }
    }

    /** How a batched choice ended: its finish reason, or what its failure means for the request. */
    private String ended(RuntimeException failure) {
        if (failure == null) {
            return "length";
        }
        Halt halt = haltIn(failure);
        if (halt == null) {
            throw failure instanceof dev.nova.api.PluginException p ? p
                    : new dev.nova.api.PluginException(pluginId, "batched generation failed: " + failure, failure);
        }
        return switch (halt.reason) {
            case STOP -> "stop";
            case GONE -> throw new ClientGone();
            case TIMEOUT -> throw ApiError.status(504, "server_error", "timeout", "generation ran past the request"
                    + " timeout of " + deadline.seconds() + " s");
        };
    }

    private GenerationRequest request(long seed, Watch watch) {
        Map<String, Object> o = new LinkedHashMap<>(options);
        if (!prompt.isEmpty()) {
            o.put(GenerationRequest.PROMPT, prompt);
        }
        if (maxTokens > 0) {
            o.put(GenerationRequest.LENGTH, maxTokens);
        }
        return new GenerationRequest(1, seed, o, watch);
    }

    private Choice one(GenerativeModel model, int index, long seed) {
        if (maxTokens == 0) {
            return new Choice(index, "", "length", List.of());
        }
        Watch watch = new Watch(index, sink);
        watches.add(watch);
        GenerationRequest request = request(seed, watch);
        String finish = "length";
        try {
            List<Sample> samples = model.generate(request);
            if (!watch.streamed && !samples.isEmpty() && samples.get(0) instanceof Sample.Text t) {
                // A plugin that does not stream: the sample is the prompt and what follows it.
                String all = t.text();
                watch.take(all.startsWith(prompt) ? all.substring(prompt.length()) : all);
            }
        } catch (RuntimeException e) {
            Halt halt = haltIn(e);
            if (halt == null) {
                throw e;
            }
            switch (halt.reason) {
                case STOP -> finish = "stop";
                case GONE -> throw new ClientGone();
                case TIMEOUT -> throw ApiError.status(504, "server_error", "timeout", "generation ran past the request"
                        + " timeout of " + deadline.seconds() + " s");
                default -> throw e;
            }
        }
        if (watch.stopped) {
            finish = "stop";
        }
        try {
            watch.flush();
        } catch (Halt gone) {
            throw new ClientGone();
        }
        return new Choice(index, watch.text(), finish, List.copyOf(watch.tokens));
    }

    private static Halt haltIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Halt h) {
                return h;
            }
        }
        return null;
    }

    /** Collects one choice's text, finds stop sequences, streams what is safe to send. */
    private final class Watch implements GenerationListener {
        private final int index;
        private final Sink out;
        private final StringBuilder text = new StringBuilder();
        final List<dev.nova.api.TokenChoice> tokens = new ArrayList<>();
        private final int longestStop = stop.stream().mapToInt(String::length).max().orElse(0);
        private int sent;
        boolean streamed;
        boolean stopped;

        Watch(int index, Sink out) {
            this.index = index;
            this.out = out;
        }

        @Override
        public void onToken(int sampleIndex, dev.nova.api.TokenChoice choice) {
            if (!stopped) {
                tokens.add(choice);
            }
        }

        @Override
        public void onText(int sampleIndex, String piece) {
            streamed = true;
            if (deadline.passed()) {
                throw new Halt(Reason.TIMEOUT);
            }
            if (take(piece)) {
                throw new Halt(Reason.STOP);
            }
        }

        /** Adds text; true when a stop sequence ended it. */
        synchronized boolean take(String piece) {
            if (stopped) {
                return true;
            }
            int from = Math.max(0, text.length() - longestStop + 1);
            text.append(piece);
            int at = -1;
            for (String s : stop) {
                int i = text.indexOf(s, from);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                }
            }
            if (at >= 0) {
                text.setLength(at);
                stopped = true;
                flush();
                return true;
            }
            int safe = text.length() - Math.max(0, longestStop - 1);
            if (safe > 0 && Character.isHighSurrogate(text.charAt(safe - 1))) {
                safe--;
            }
            send(safe);
            return false;
        }

        synchronized void flush() {
            send(text.length());
        }

        private void send(int upTo) {
            if (upTo > sent && out != null) {
                try {
                    out.text(index, text.substring(sent, upTo));
                } catch (IOException e) {
                    throw new Halt(Reason.GONE);
                }
                sent = upTo;
            }
        }

        synchronized String text() {
            return text.toString();
        }
    }
}

package dev.nova.host.internal.serve;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.Sample;
import dev.nova.host.internal.media.SampleFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code /v1} endpoints: OpenAI's {@code models}, {@code completions} (plain and streamed as server-sent events)
 * and {@code images/generations}, and Nova's own {@code generate}, which takes any generation option a plugin reads.
 */
final class Endpoints {

    /** An endpoint that takes a JSON body. */
    interface Handler {
        void handle(Reply reply, Fields fields, Deadline deadline) throws IOException;
    }

    /** OpenAI field names for Nova's generation options, to name the field a plugin refused. */
    private static final Map<String, String> OPENAI_NAMES = Map.of(GenerationRequest.LENGTH, "max_tokens",
            GenerationRequest.TOP_P, "top_p", GenerationRequest.TOP_K, "top_k", GenerationRequest.PROMPT, "prompt",
            GenerationRequest.TEMPERATURE, "temperature", GenerationRequest.GREEDY, "temperature",
            GenerationRequest.LABEL, "prompt");

    private final Map<String, ServedModel> byId = new LinkedHashMap<>();
    private final ServeSettings settings;
    private final Metrics metrics;
    private final SecureRandom random = new SecureRandom();

    Endpoints(List<ServedModel> models, ServeSettings settings, Metrics metrics) {
        models.forEach(m -> byId.put(m.id(), m));
        this.settings = settings;
        this.metrics = metrics;
    }

    /** The request field that a plugin's refused option came from. */
    String paramOf(String path, String option) {
        return path.equals("/v1/generate") ? "options." + option : OPENAI_NAMES.getOrDefault(option, option);
    }

    void models(Reply reply, String id) throws IOException {
        if (id != null) {
            ServedModel m = byId.get(id);
            if (m == null) {
                throw unknown(id);
            }
            reply.json(200, describe(m));
            return;
        }
        List<Object> data = new ArrayList<>();
        byId.values().forEach(m -> data.add(describe(m)));
        reply.json(200, Wire.object("object", "list", "data", data));
    }

    private Map<String, Object> describe(ServedModel m) {
        long created;
        try {
            created = Files.getLastModifiedTime(m.source()).toMillis() / 1000;
        } catch (IOException e) {
            created = 0;
        }
        String endpoint = switch (m.plugin().modality()) {
            case TEXT -> "/v1/completions";
            case IMAGE -> "/v1/images/generations";
            default -> "/v1/generate";
        };
        return Wire.object("id", m.id(), "object", "model", "created", created, "owned_by", "nova",
                "nova", Wire.object("plugin", m.plugin().id(), "version", m.plugin().version(),
                        "modality", m.plugin().modality().name().toLowerCase(Locale.ROOT), "step", m.step(),
                        "workers", m.workers(), "queue", m.queue(), "conditional", m.conditional(),
                        "classes", m.classes(), "endpoint", endpoint,
                        "max_tokens", settings.maxTokens(), "max_n", settings.maxCount()));
    }

    void completions(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = model(f, Modality.TEXT);
        List<String> prompts = f.strings("prompt", 1);
        String prompt = prompts.isEmpty() ? "" : prompts.get(0);
        int maxTokens = f.integer("max_tokens", 16, 0, settings.maxTokens());
        int n = f.integer("n", 1, 1, settings.maxCount());
        Map<String, Object> options = new LinkedHashMap<>();
        f.number("temperature", 0, false, 100).ifPresent(t -> {
            if (t == 0) {
                options.put(GenerationRequest.GREEDY, true);
            } else {
                options.put(GenerationRequest.TEMPERATURE, t);
            }
        });
        f.number("top_p", 0, true, 1).ifPresent(p -> options.put(GenerationRequest.TOP_P, p));
        int topK = f.integer("top_k", 0, 0, Integer.MAX_VALUE);
        if (topK > 0) {
            options.put(GenerationRequest.TOP_K, topK);
        }
        long seed = f.whole("seed").orElseGet(random::nextLong);
        List<String> stop = f.strings("stop", 4);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw ApiError.field("stop", "stop sequences must not be empty");
        }
        boolean stream = f.bool("stream", false);
        boolean echo = f.bool("echo", false);
        boolean usageInStream = stream && Boolean.TRUE.equals(f.object("stream_options").get("include_usage"));
        unsupported(f);
        String id = "cmpl-" + HexFormat.of().formatHex(random.generateSeed(12));
        long created = System.currentTimeMillis() / 1000;
        try (ServedModel.Lease lease = m.admit()) {
            GenerativeModel g = lease.worker(deadline);
            TextJob.Sink sink = null;
            if (stream) {
                reply.startEvents();
                sink = (i, t) -> reply.event(chunk(id, created, m.id(), i, t, null));
                if (echo && !prompt.isEmpty()) {
                    for (int i = 0; i < n; i++) {
                        reply.event(chunk(id, created, m.id(), i, prompt, null));
                    }
                }
            }
            List<TextJob.Choice> choices = new TextJob(m.plugin().id(), prompt, options, maxTokens, stop, deadline,
                    sink).run(g, n, seed);
            long completion = choices.stream().mapToLong(TextJob.Choice::tokens).sum();
            metrics.tokens(m.id(), completion);
            int promptTokens = prompt.codePointCount(0, prompt.length());
            Map<String, Object> usage = Wire.object("prompt_tokens", promptTokens, "completion_tokens", completion,
                    "total_tokens", promptTokens + completion);
            if (stream) {
                for (TextJob.Choice c : choices) {
                    reply.event(chunk(id, created, m.id(), c.index(), "", c.finishReason()));
                }
                if (usageInStream) {
                    reply.event(Wire.object("id", id, "object", "text_completion", "created", created, "model", m.id(),
                            "choices", List.of(), "usage", usage));
                }
                reply.done();
                return;
            }
            List<Object> out = new ArrayList<>();
            for (TextJob.Choice c : choices) {
                out.add(Wire.object("text", echo ? prompt + c.text() : c.text(), "index", c.index(), "logprobs", null,
                        "finish_reason", c.finishReason()));
            }
            reply.json(200, Wire.object("id", id, "object", "text_completion", "created", created, "model", m.id(),
                    "system_fingerprint", fingerprint(m), "choices", out, "usage", usage));
        }
    }

    private static Map<String, Object> chunk(String id, long created, String model, int index, String text,
                                             String finish) {
        return Wire.object("id", id, "object", "text_completion", "created", created, "model", model, "choices",
                List.of(Wire.object("text", text, "index", index, "logprobs", null, "finish_reason", finish)));
    }

    /** Fields of OpenAI's API that would change the answer and that Nova's models cannot honour. */
    private static void unsupported(Fields f) {
        Object logprobs = f.raw().get("logprobs");
        if (logprobs != null && !(logprobs instanceof Number n && n.intValue() == 0) && !Boolean.FALSE.equals(logprobs)) {
            throw ApiError.field("logprobs", "logprobs is not supported by nova serve");
        }
        if (f.integer("best_of", 1, 1, Integer.MAX_VALUE) > 1) {
            throw ApiError.field("best_of", "best_of is not supported by nova serve; use n");
        }
        if (f.string("suffix").filter(s -> !s.isEmpty()).isPresent()) {
            throw ApiError.field("suffix", "suffix (insertion) is not supported by nova serve");
        }
    }

    void images(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = model(f, Modality.IMAGE);
        String prompt = f.string("prompt").orElse("").trim();
        int n = f.integer("n", 1, 1, settings.maxCount());
        String format = f.string("response_format").orElse("b64_json");
        if (!format.equals("b64_json")) {
            throw ApiError.field("response_format", "response_format '" + format + "' is not supported: nova serve"
                    + " answers b64_json (PNG), not URLs");
        }
        long seed = f.whole("seed").orElseGet(random::nextLong);
        Map<String, Object> options = new LinkedHashMap<>();
        label(m, prompt).ifPresent(l -> options.put(GenerationRequest.LABEL, l));
        List<Sample> images = media(m, SampleFormat.IMAGES, new GenerationRequest(n, seed, options,
                GenerationListener.NONE), deadline);
        List<Object> data = new ArrayList<>();
        for (Sample i : images) {
            data.add(Wire.object("b64_json", Base64.getEncoder().encodeToString(SampleFormat.IMAGES.one(i)),
                    "revised_prompt", prompt));
        }
        reply.json(200, Wire.object("created", System.currentTimeMillis() / 1000, "data", data));
    }

    private java.util.Optional<Integer> label(ServedModel m, String prompt) {
        if (prompt.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> classes = m.classes();
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).equalsIgnoreCase(prompt)) {
                return java.util.Optional.of(i);
            }
        }
        if (prompt.matches("\\d{1,9}") && (classes.isEmpty() || Integer.parseInt(prompt) < classes.size())) {
            return java.util.Optional.of(Integer.parseInt(prompt));
        }
        if (!m.conditional() && classes.isEmpty()) {
            throw ApiError.field("prompt", "model '" + m.id() + "' is not class-conditional: give an empty prompt");
        }
        throw ApiError.field("prompt", "prompt '" + prompt + "' is not a class of model '" + m.id() + "'; its classes: "
                + String.join(", ", classes));
    }

    /** Samples of a format from a model, counted; none is the plugin's failure. */
    private List<Sample> media(ServedModel m, SampleFormat format, GenerationRequest request, Deadline deadline) {
        List<Sample> samples;
        try (ServedModel.Lease lease = m.admit()) {
            samples = format.select(lease.worker(deadline).generate(request));
        }
        if (samples.isEmpty()) {
            throw ApiError.status(500, "server_error", "plugin_failed", "plugin '" + m.plugin().id()
                    + "' returned no " + format.plural());
        }
        metrics.samples(format, m.id(), samples.size());
        return samples;
    }

    void generate(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = model(f, null);
        int n = f.integer("n", 1, 1, settings.maxCount());
        long seed = f.whole("seed").orElseGet(random::nextLong);
        Map<String, Object> options = new LinkedHashMap<>();
        f.object("options").forEach((k, v) -> {
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                throw ApiError.field("options." + k, "options." + k + " must be a string, number or boolean, found "
                        + Fields.describe(v));
            }
            if (v instanceof Number num && !Double.isFinite(num.doubleValue())) {
                throw ApiError.field("options." + k, "options." + k + " must be a finite number, found " + v);
            }
            if (v != null) {
                options.put(k, v);
            }
        });
        boolean stream = f.bool("stream", false);
        SampleFormat media = SampleFormat.of(m.plugin().modality());
        if (!media.streams()) {
            files(reply, f, m, media, new GenerationRequest(n, seed, options, GenerationListener.NONE), deadline);
            return;
        }
        Object p = options.remove(GenerationRequest.PROMPT);
        if (p != null && !(p instanceof String)) {
            throw ApiError.field("options.prompt", "options.prompt must be a string, found " + Fields.describe(p));
        }
        Object length = options.remove(GenerationRequest.LENGTH);
        int maxTokens = -1;
        if (length != null) {
            maxTokens = new Fields(Map.of("options.length", length)).integer("options.length", 0, 0,
                    settings.maxTokens());
        }
        String prompt = p == null ? "" : (String) p;
        try (ServedModel.Lease lease = m.admit()) {
            GenerativeModel g = lease.worker(deadline);
            TextJob.Sink sink = null;
            if (stream) {
                reply.startEvents();
                sink = (i, t) -> reply.event(Wire.object("index", i, "text", t));
            }
            List<TextJob.Choice> choices = new TextJob(m.plugin().id(), prompt, options, maxTokens, List.of(), deadline,
                    sink).run(g, n, seed);
            metrics.tokens(m.id(), choices.stream().mapToLong(TextJob.Choice::tokens).sum());
            List<Object> samples = new ArrayList<>();
            choices.forEach(c -> samples.add(Wire.object("text", prompt + c.text())));
            Map<String, Object> body = Wire.object("model", m.id(), "seed", seed, "samples", samples);
            if (stream) {
                body.put("done", true);
                reply.event(body);
            } else {
                reply.json(200, body);
            }
        }
    }

    /**
     * Nova's answer of samples that are files: the format's file of them all ({@code "format": "png"} or
     * {@code "wav"}), or JSON with each sample's fields (and those of them all: an image grid).
     */
    private void files(Reply reply, Fields f, ServedModel m, SampleFormat media, GenerationRequest request,
                       Deadline deadline) throws IOException {
        String format = f.string("format").orElse("json");
        if (!format.equals("json") && !format.equals(media.extension())) {
            throw ApiError.field("format", "format must be json or " + media.extension() + ", found '" + format + "'");
        }
        List<Sample> samples = media(m, media, request, deadline);
        if (format.equals(media.extension())) {
            reply.send(200, media.mediaType(), media.file(samples));
            return;
        }
        Map<String, Object> body = Wire.object("model", m.id(), "seed", request.seed());
        body.putAll(media.fieldsOfAll(samples));
        List<Object> each = new ArrayList<>();
        samples.forEach(s -> each.add(media.fields(s)));
        body.put("samples", each);
        reply.json(200, body);
    }

    private ServedModel model(Fields f, Modality modality) {
        String id;
        if (!f.has("model") && byId.size() == 1) {
            id = byId.keySet().iterator().next();
        } else {
            id = f.requiredString("model");
        }
        ServedModel m = byId.get(id);
        if (m == null) {
            throw unknown(id);
        }
        if (modality != null && m.plugin().modality() != modality) {
            Modality actual = m.plugin().modality();
            throw ApiError.field("model", "model '" + id + "' is a" + (actual == Modality.TEXT ? " text"
                    : actual == Modality.IMAGE ? "n image" : "n " + actual) + " model: use " + (actual == Modality.TEXT
                    ? "/v1/completions" : actual == Modality.IMAGE ? "/v1/images/generations" : "/v1/generate"));
        }
        return m;
    }

    private ApiError unknown(String id) {
        return new ApiError(404, "invalid_request_error", "model", "model_not_found", "model '" + id
                + "' is not served here; served: " + String.join(", ", byId.keySet()), null);
    }

    private static String fingerprint(ServedModel m) {
        return m.plugin().id() + "-" + m.plugin().version() + "-step" + m.step();
    }
}

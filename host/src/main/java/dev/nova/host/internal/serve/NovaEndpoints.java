package dev.nova.host.internal.serve;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.Sample;
import dev.nova.host.internal.media.SampleFormat;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nova's own {@code POST /v1/generate}, for every modality: any option a plugin reads, by its key ({@code options});
 * text as JSON or streamed as server-sent events, other samples as JSON with each sample's fields or as one file
 * ({@code format}) in their {@link SampleFormat}.
 */
final class NovaEndpoints {

    private final ServedModels models;
    private final ServeSettings settings;
    private final Generation generation;
    private final SecureRandom random = new SecureRandom();

    NovaEndpoints(ServedModels models, ServeSettings settings, Generation generation) {
        this.models = models;
        this.settings = settings;
        this.generation = generation;
    }

    void generate(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = models.of(f);
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
        if (media.streams()) {
            text(reply, m, n, seed, options, stream, deadline);
        } else {
            files(reply, f, m, media, new GenerationRequest(n, seed, options, GenerationListener.NONE), deadline);
        }
    }

    private void text(Reply reply, ServedModel m, int n, long seed, Map<String, Object> options, boolean stream,
                      Deadline deadline) throws IOException {
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
        if (stream) {
            // The headers go with the first text: a plugin that refuses an option before it is answered with 400.
            reply.eventsOnFirst(null);
        }
        TextJob.Sink sink = stream ? (i, t) -> reply.event(Wire.object("index", i, "text", t)) : null;
        List<TextJob.Choice> choices = generation.text(m, prompt, options, maxTokens, List.of(), n, seed, deadline,
                sink);
        List<Object> samples = new ArrayList<>();
        choices.forEach(c -> samples.add(SampleFormat.TEXT.fields(new Sample.Text(prompt + c.text()))));
        Map<String, Object> body = Wire.object("model", m.id(), "seed", seed, "samples", samples);
        if (stream) {
            body.put("done", true);
            reply.event(body);
        } else {
            reply.json(200, body);
        }
    }

    /**
     * Samples that are files: the format's file of them all ({@code "format": "png"} or {@code "wav"}), or JSON with
     * each sample's fields (and those of them all: an image grid).
     */
    private void files(Reply reply, Fields f, ServedModel m, SampleFormat media, GenerationRequest request,
                       Deadline deadline) throws IOException {
        String format = f.string("format").orElse("json");
        if (!format.equals("json") && !format.equals(media.extension())) {
            throw ApiError.field("format", "format must be json or " + media.extension() + ", found '" + format + "'");
        }
        List<Sample> samples = generation.files(m, media, request, deadline);
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
}

package dev.nova.host.internal.serve;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.Modality;
import dev.nova.api.Sample;
import dev.nova.host.internal.media.SampleFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI's endpoints: {@code GET /v1/models}, {@code POST /v1/completions} (plain and streamed) and
 * {@code POST /v1/images/generations}; each translates the request ({@link OpenAi}), generates
 * ({@link Generation}), and translates the result back.
 */
final class OpenAiEndpoints {

    private final ServedModels models;
    private final ServeSettings settings;
    private final Generation generation;
    private final SecureRandom random = new SecureRandom();

    OpenAiEndpoints(ServedModels models, ServeSettings settings, Generation generation) {
        this.models = models;
        this.settings = settings;
        this.generation = generation;
    }

    void models(Reply reply, String id) throws IOException {
        if (id != null) {
            reply.json(200, describe(models.byId(id)));
            return;
        }
        List<Object> data = new java.util.ArrayList<>();
        models.models().forEach(m -> data.add(describe(m)));
        reply.json(200, Wire.object("object", "list", "data", data));
    }

    private Map<String, Object> describe(ServedModel m) {
        long created;
        try {
            created = Files.getLastModifiedTime(m.source()).toMillis() / 1000;
        } catch (IOException e) {
            created = 0;
        }
        return OpenAi.model(m.id(), created, Wire.object("plugin", m.plugin().id(), "version", m.plugin().version(),
                "modality", m.plugin().modality().name().toLowerCase(Locale.ROOT), "step", m.step(),
                "workers", m.workers(), "queue", m.queue(), "conditional", m.conditional(),
                "classes", m.classes(), "endpoint", OpenAi.endpoint(m.plugin().modality()),
                "max_tokens", settings.maxTokens(), "max_n", settings.maxCount()));
    }

    private ServedModel model(Fields f, Modality modality) {
        ServedModel m = models.of(f);
        if (m.plugin().modality() != modality) {
            throw OpenAi.wrongModality(m.id(), m.plugin().modality());
        }
        return m;
    }

    void completions(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = model(f, Modality.TEXT);
        OpenAi.Completion c = OpenAi.completion(f, settings, random::nextLong);
        if (c.logprobs() >= 0 && m.textTokens().isEmpty()) {
            throw ApiError.field("logprobs", "model '" + m.id() + "' does not say how it tokenizes (plugin '"
                    + m.plugin().id() + "' has no textTokens()); it cannot give log-probabilities");
        }
        String id = "cmpl-" + HexFormat.of().formatHex(random.generateSeed(12));
        long created = System.currentTimeMillis() / 1000;
        if (c.stream()) {
            // The headers go with the first text: a plugin that refuses an option before it is answered with 400.
            reply.eventsOnFirst(() -> {
                if (c.echo() && !c.prompt().isEmpty()) {
                    for (int i = 0; i < c.n(); i++) {
                        reply.event(OpenAi.chunk(id, created, m.id(), i, c.prompt(), null));
                    }
                }
            });
        }
        TextJob.Sink sink = c.stream() ? (i, t) -> reply.event(OpenAi.chunk(id, created, m.id(), i, t, null)) : null;
        List<TextJob.Choice> choices = generation.text(m, c.prompt(), c.options(), c.maxTokens(), c.stop(), c.n(),
                c.seed(), deadline, sink);
        Map<String, Object> usage = OpenAi.usage(m.tokens(c.prompt()),
                choices.stream().mapToLong(choice -> m.tokens(choice.text())).sum());
        if (!c.stream()) {
            reply.json(200, OpenAi.completionBody(id, created, m.id(), m.plugin().id() + "-" + m.plugin().version()
                    + "-step" + m.step(), c, choices, usage,
                    t -> m.textTokens().map(tt -> tt.decode(new int[] {t})).orElse("")));
            return;
        }
        for (TextJob.Choice choice : choices) {
            reply.event(OpenAi.chunk(id, created, m.id(), choice.index(), "", choice.finishReason()));
        }
        if (c.usageInStream()) {
            reply.event(OpenAi.usageChunk(id, created, m.id(), usage));
        }
        reply.done();
    }

    /**
     * {@code POST /tokenize} in llama.cpp server's form: {@code {"content": TEXT}} to {@code {"tokens": [ids]}}, with
     * {@code "with_pieces": true} each as {@code {"id", "piece"}}; {@code model} chooses among served models.
     */
    void tokenize(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = model(f, Modality.TEXT);
        dev.nova.api.TextTokens tokens = tokensOf(m);
        String content = f.string("content").orElseThrow(() -> ApiError.field("content", "content (the text to"
                + " tokenize) is missing"));
        int[] ids = tokens.encode(content);
        List<Object> out = new java.util.ArrayList<>();
        boolean pieces = f.bool("with_pieces", false);
        for (int id : ids) {
            out.add(pieces ? Wire.object("id", id, "piece", tokens.decode(new int[] {id})) : id);
        }
        reply.json(200, Wire.object("tokens", out));
    }

    /** {@code POST /detokenize} in llama.cpp server's form: {@code {"tokens": [ids]}} to {@code {"content": TEXT}}. */
    void detokenize(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = model(f, Modality.TEXT);
        dev.nova.api.TextTokens tokens = tokensOf(m);
        Object raw = f.raw().get("tokens");
        if (!(raw instanceof List<?> list)) {
            throw ApiError.field("tokens", "tokens must be an array of token ids, found " + Fields.describe(raw));
        }
        if (list.size() > settings.maxBody()) {
            throw ApiError.field("tokens", "tokens has " + list.size() + " ids, more than this server reads");
        }
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(list.get(i) instanceof Integer id) || id < 0 || id >= tokens.size()) {
                throw ApiError.field("tokens", "tokens[" + i + "] is " + Fields.describe(list.get(i)) + ", expected a"
                        + " token id from 0 to " + (tokens.size() - 1));
            }
            ids[i] = id;
        }
        reply.json(200, Wire.object("content", tokens.decode(ids)));
    }

    private static dev.nova.api.TextTokens tokensOf(ServedModel m) {
        return m.textTokens().orElseThrow(() -> ApiError.field("model", "model '" + m.id() + "' does not say how it"
                + " tokenizes (plugin '" + m.plugin().id() + "' has no textTokens())"));
    }

    void images(Reply reply, Fields f, Deadline deadline) throws IOException {
        ServedModel m = model(f, Modality.IMAGE);
        OpenAi.Images request = OpenAi.images(f, settings, random::nextLong);
        Map<String, Object> options = new LinkedHashMap<>();
        OpenAi.label(request.prompt(), m.id(), m.classes(), m.conditional())
                .ifPresent(l -> options.put(GenerationRequest.LABEL, l));
        List<Sample> images = generation.files(m, SampleFormat.IMAGES, new GenerationRequest(request.n(), request.seed(),
                options, GenerationListener.NONE), deadline);
        List<String> pngs = images.stream().map(i -> Base64.getEncoder().encodeToString(SampleFormat.IMAGES.one(i)))
                .toList();
        reply.json(200, OpenAi.imagesBody(System.currentTimeMillis() / 1000, pngs, request.prompt()));
    }
}

package dev.nova.host.internal.serve;

import dev.nova.host.internal.model.OpenModel;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The models {@code nova serve} was given, each {@code [NAME=]PATH}, restored with their workers. */
public final class ServedModels {

    private final List<ServedModel> models;

    private ServedModels(List<ServedModel> models) {
        this.models = models;
    }

    /** The restored models, in the order given. */
    public List<ServedModel> models() {
        return models;
    }

    /**
     * A model by its name.
     *
     * @param id the name
     * @return the model
     * @throws ApiError 404 naming the models served
     */
    ServedModel byId(String id) {
        for (ServedModel m : models) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new ApiError(404, "invalid_request_error", "model", "model_not_found", "model '" + id
                + "' is not served here; served: " + String.join(", ", models.stream().map(ServedModel::id).toList()),
                null);
    }

    /**
     * The model a request names ({@code model}), which it may leave out when one model is served.
     *
     * @param f the request's fields
     * @return the model
     * @throws ApiError 400 without a name when several are served, 404 for a name not served
     */
    ServedModel of(Fields f) {
        return !f.has("model") && models.size() == 1 ? models.get(0) : byId(f.requiredString("model"));
    }

    /**
     * Restores every model; if one fails, those restored are closed and the failure (naming the path) propagates.
     *
     * @param specs {@code [NAME=]PATH} each
     * @param workers workers per model
     * @param queue queue places per model
     * @param batch the most sequences a text model that batches generates together (1: none)
     * @param opener restores one instance of a run or checkpoint
     * @param terminal where each model is announced
     * @return the models
     */
    public static ServedModels open(List<String> specs, int workers, int queue, int batch,
                                    Function<Path, OpenModel> opener,
                                    Terminal terminal) {
        Map<String, Path> named = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            Path path = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
            String name = eq > 0 ? spec.substring(0, eq) : nameOf(path);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")) {
                throw new UsageException("model name '" + name + "' (from " + spec + ") must be letters, digits and"
                        + " . _ : - (at most 128), starting with a letter or digit; name it with NAME=" + path);
            }
            Path before = named.putIfAbsent(name, path);
            if (before != null) {
                throw new UsageException("two models are named '" + name + "' (" + before + " and " + path + ");"
                        + " name one with NAME=PATH");
            }
        }
        List<ServedModel> out = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> e : named.entrySet()) {
                Path path = e.getValue();
                ServedModel m = ServedModel.open(e.getKey(), path,
                        () -> opener.apply(path), workers, queue, batch);
                out.add(m);
                terminal.err().println("nova: serve: model '" + m.id() + "': " + m.plugin().id() + " "
                        + m.plugin().version() + ", " + m.plugin().modality().name().toLowerCase(java.util.Locale.ROOT)
                        + ", step " + m.step() + ", from " + path + "; " + m.workers() + (m.workers() == 1 ? " worker"
                        : " workers") + " (" + m.instances() + (m.instances() == 1 ? " instance" : " instances")
                        + "), " + m.queue() + (m.queue() == 1 ? " queue place" : " queue places")
                        + m.batcher().map(b -> "; generates up to " + b.capacity() + " requests together"
                                + (b.threads() == 1 ? "" : " in " + b.threads() + " batches")).orElse(""));
                m.classNotice().ifPresent(n -> terminal.err().println("nova: serve: " + n));
            }
        } catch (RuntimeException e) {
            out.forEach(ServedModel::close);
            throw e;
        }
        return new ServedModels(List.copyOf(out));
    }

    private static String nameOf(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path file = abs.getFileName();
        if (file == null) {
            return "model";
        }
        String name = file.toString();
        if (!Files.isDirectory(abs)) {
            int dot = name.lastIndexOf('.');
            if (dot > 0) {
                name = name.substring(0, dot);
            }
        }
        return name;
    }
}

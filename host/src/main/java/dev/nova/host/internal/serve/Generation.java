package dev.nova.host.internal.serve;

import dev.nova.api.GenerationRequest;
import dev.nova.api.Sample;
import dev.nova.host.internal.media.SampleFormat;
import java.util.List;
import java.util.Map;

/**
 * Generation for a request, whichever dialect it came in: admitted by the model ({@link ServedModel#admit}, 429 when
 * its queue is full), run on a worker of its pool once one is free before the deadline, counted in the metrics.
 */
final class Generation {

    private final Metrics metrics;

    Generation(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Text choices: choice i is {@code nova generate --seed seed+i}.
     *
     * @param m the model
     * @param prompt the prompt
     * @param options generation options
     * @param maxTokens tokens per choice (the model's), or -1 for the plugin's default
     * @param stop stop sequences
     * @param n choices
     * @param seed the seed
     * @param deadline the request's deadline
     * @param sink where text goes as it is produced, or null
     * @return the choices
     */
    List<TextJob.Choice> text(ServedModel m, String prompt, Map<String, Object> options, int maxTokens,
                              List<String> stop, int n, long seed, Deadline deadline,
                              TextJob.Sink sink) {
        try (ServedModel.Lease lease = m.admit()) {
            TextJob job = new TextJob(m.plugin().id(), prompt, options, maxTokens, stop, deadline, sink);
            List<TextJob.Choice> choices;
            try {
                if (m.batcher().isPresent()) {
                    try {
                        choices = job.runBatched(m.batcher().get(), n, seed);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw ApiError.status(503, "server_error", "shutting_down", "the server is stopping");
                    }
                } else {
                    choices = job.run(lease.worker(deadline), n, seed);
                }
            } catch (RuntimeException e) {
                // What was generated before a stream's client left or the request ran past its deadline counts too.
                long partial = job.generated().stream().mapToLong(m::tokens).sum();
                if (partial > 0) {
                    metrics.tokens(m.id(), partial);
                }
                throw e;
            }
            metrics.tokens(m.id(), choices.stream().mapToLong(choice -> m.tokens(choice.text())).sum());
            return choices;
        }
    }

    /**
     * Samples that are files (images, sounds); none is the plugin's failure.
     *
     * @param m the model
     * @param format the samples' format
     * @param request the request
     * @param deadline the request's deadline
     * @return the samples of that format
     */
    List<Sample> files(ServedModel m, SampleFormat format, GenerationRequest request, Deadline deadline) {
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
}

package dev.nova.host.internal.run;

import dev.nova.api.Cancellation;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.host.internal.config.HostSettings;
import dev.nova.host.internal.media.SampleFormat;
import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.store.ProgressRecord;
import dev.nova.host.internal.store.RunDirectory;
import dev.nova.host.internal.support.UsageException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What a run shows a person at each evaluation: the loss chart ({@code loss.png}) and samples
 * ({@code samples/step-N.txt} or {@code .png}, the first text sample also on standard error).
 */
final class RunOutputs {

    private final RunPlan plan;
    private final RunDirectory run;
    private final PrintStream err;
    private final LossPlot plot;

    RunOutputs(RunPlan plan, RunDirectory run, PrintStream err) {
        this.plan = plan;
        this.run = run;
        this.err = err;
        this.plot = LossPlot.from(run.metrics(), err);
    }

    /** Adds a record to the chart. */
    void accept(ProgressRecord record) {
        plot.accept(record);
    }

    /** Redraws the chart and writes the samples of the model as it is now. */
    void show(GuardedModel model, Cancellation cancel) {
        drawPlot(cancel);
        writeSamples(model, cancel);
    }

    /** The loss chart is a convenience: a failure to draw it is a warning, never the end of a run. */
    private void drawPlot(Cancellation cancel) {
        try {
            plot.write(run.lossPlot(), plan.pluginId() + " (" + run.root().getFileName() + ")");
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
                throw e;
            }
            if (!cancel.isCancelled()) {
                err.println("nova: warning: could not draw " + run.lossPlot() + ": " + oneLine(e));
            }
        }
    }

    private void writeSamples(GuardedModel model, Cancellation cancel) {
        HostSettings s = plan.host();
        if (s.samples() == 0 || cancel.isCancelled()) {
            return;
        }
        GenerationRequest req = new GenerationRequest(s.samples(), s.seed(), s.sampleOptions(), GenerationListener.NONE);
        List<Sample> samples = model.generate(req);
        SampleFormat format = SampleFormat.of(plan.info().modality());
        List<Sample> mine = format.select(samples);
        if (!mine.isEmpty()) {
            format.write(mine, run.samples().resolve(String.format("step-%08d.%s", model.step(), format.extension())),
                    false);
        }
        format.preview(samples).ifPresent(first -> err.println("sample | " + first.replace("\n", "\n       | ")));
    }

    /** A failure as one line: the message of the host's own exceptions, the type and message of anything else. */
    static String oneLine(Throwable e) {
        String m = e instanceof PluginException || e instanceof UncheckedIOException || e instanceof UsageException
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return String.valueOf(m).replaceAll("\\s*\\R\\s*", " ");
    }
}

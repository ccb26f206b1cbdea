package dev.nova.host.internal.run;

import dev.nova.api.StepEvent;
import dev.nova.host.internal.config.HostSettings;
import dev.nova.host.internal.store.ProgressRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Turns the plugin's step events into progress lines (loss, throughput, ETA) every {@code nova.train.log-every}
 * steps, and a {@link ProgressRecord.Training} for each line.
 */
final class Progress {

    private final HostSettings settings;
    private final PrintStream err;
    private final Consumer<ProgressRecord> records;
    private final long startStep;
    private final long startNanos = System.nanoTime();
    private long windowNanos = startNanos;
    private long windowItems;
    private double windowFlops;
    private double windowLoss;
    private int windowSteps;
    private long lastStep;

    Progress(HostSettings settings, long startStep, PrintStream err, Consumer<ProgressRecord> records) {
        this.settings = settings;
        this.err = err;
        this.records = records;
        this.startStep = startStep;
        this.lastStep = startStep;
    }

    void onStep(StepEvent e) {
        if (e.step() <= lastStep) {
            throw new IllegalStateException("plugin reported step " + e.step() + " after step " + lastStep);
        }
        lastStep = e.step();
        windowItems += e.items();
        // Model FLOPs per second only when every step of the window declared its FLOPs.
        Double flops = e.extras().get(StepEvent.MODEL_FLOPS);
        windowFlops += flops == null ? Double.NaN : flops;
        windowLoss += e.loss();
        windowSteps++;
        if (e.step() % settings.logEvery() != 0 && e.step() != settings.steps()) {
            return;
        }
        long now = System.nanoTime();
        double secs = Math.max(1e-9, (now - windowNanos) / 1e9);
        double rate = windowItems / secs;
        double loss = windowLoss / windowSteps;
        double perStep = (now - startNanos) / 1e9 / Math.max(1, e.step() - startStep);
        Duration eta = Duration.ofSeconds(Math.round(perStep * (settings.steps() - e.step())));
        double flopRate = windowFlops / secs;
        err.printf("step %d/%d | loss %.4f | %s items/s%s | eta %s%n", e.step(), settings.steps(), loss, human(rate),
                Double.isFinite(flopRate) ? String.format(Locale.ROOT, " | %.1f GFLOP/s", flopRate / 1e9) : "",
                eta.toString().substring(2).toLowerCase(Locale.ROOT));
        records.accept(new ProgressRecord.Training(e.step(), loss, rate, flopRate, (now - startNanos) / 1e9,
                e.extras()));
        windowNanos = now;
        windowItems = 0;
        windowFlops = 0;
        windowLoss = 0;
        windowSteps = 0;
    }

    private static String human(double rate) {
        return rate >= 1000 ? String.format("%.1fk", rate / 1000) : String.format("%.0f", rate);
    }
}

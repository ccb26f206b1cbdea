package dev.nova.host.internal.run;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.model.OpenModel;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.quality.SampleQuality;
import dev.nova.host.internal.support.Figures;
import dev.nova.host.internal.support.RunFailedException;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.UsageException;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code nova evaluate}: the plugin's metrics of the plan's checkpoint, one per line on standard output. */
public final class Evaluator {

    private final RunPlan plan;
    private final ModelLoader loader;
    private final Terminal terminal;
    private final Invocation invocation;

    /**
     * Creates the evaluator.
     *
     * @param plan the plan (its checkpoint)
     * @param loader restores the model
     * @param terminal where the metrics go
     * @param invocation the command: whether it named a run directory (said which checkpoint it reads) or a file
     */
    @Inject
    public Evaluator(RunPlan plan, ModelLoader loader, Terminal terminal, Invocation invocation) {
        this.plan = plan;
        this.invocation = invocation;
        this.loader = loader;
        this.terminal = terminal;
    }

    /**
     * What {@code nova evaluate} measures besides the plugin's own evaluation.
     *
     * @param quality whether to measure sample quality ({@code --quality})
     * @param samples samples to measure, or 0 for the run's {@code nova.quality.samples}
     * @param gates whether to check quality gates ({@code --gates}): the run's {@code nova.gates} and {@code extraGates}
     * @param extraGates gates given on the command line ({@code --gate})
     */
    public record Checks(boolean quality, int samples, boolean gates, List<String> extraGates) {

        /** Copies the list. */
        public Checks {
            extraGates = List.copyOf(extraGates);
        }
    }

    /**
     * Evaluates the checkpoint, and measures its sample quality and checks its gates when asked.
     *
     * @param request what to evaluate on
     * @param checks what else to measure
     * @param all receives every metric measured
     * @return the exit code: 0, or {@link Gates#EXIT_FAILED} when a gate fails
     * @throws RunFailedException after printing them, if a metric of the plugin's evaluation is NaN or infinite
     * @throws UsageException when a gate is malformed or names a metric the run does not report
     */
    public int evaluate(EvaluationRequest request, Checks checks, Map<String, Double> all) {
        Gates gates = gates(checks);
        if (request.data().isEmpty()) {
            requireUnchangedData();
        }
        try (OpenModel open = loader.open()) {
            GuardedModel model = open.model();
            Map<String, Double> m = model.evaluate(request);
            m.forEach((k, v) -> terminal.out().printf("%-24s %s%n", k, Figures.format(v, 6)));
            m.forEach((k, v) -> {
                if (v == null || !Double.isFinite(v)) {
                    throw new RunFailedException("the model of " + plan.checkpoint().orElseThrow().file() + " gives "
                            + k + " = " + v + ": it has diverged (or the data is not what it was trained on)", null);
                }
            });
            all.putAll(m);
            if (m.containsKey(GenerativeModel.LOSS)) {
                all.put(Gates.HELD_OUT_LOSS, m.get(GenerativeModel.LOSS));
            }
            if (checks.quality() || gates.needQuality(m.keySet())) {
                all.putAll(quality(model, checks, request.seed()));
            }
            WhichCheckpoint.say(invocation, plan, terminal, "evaluated");
        }
        return checks.gates() ? verdicts(gates, all) : 0;
    }

    /**
     * The rule for a run whose training data changed since its checkpoint: the held-out split a plugin cuts from the
     * data is then no longer text the model never saw (a shortened corpus gave 4.34 nats/char for a model whose own
     * held-out figure was 5.20), so it is not evaluated without {@code --data}, which names what to evaluate on.
     */
    private void requireUnchangedData() {
        plan.checkpoint().ifPresent(c -> {
            List<String> changed = Provenance.changedData(c.manifest().properties());
            if (!changed.isEmpty()) {
                throw new UsageException("the training data changed since checkpoint " + c.file() + " was written: "
                        + String.join("; ", changed) + ". Its held-out split would not be what the model never saw:"
                        + " give --data FILE to evaluate on other data");
            }
        });
    }

    private Gates gates(Checks checks) {
        if (!checks.gates()) {
            return new Gates(List.of());
        }
        List<Gates.Gate> list = new ArrayList<>();
        List<String> texts = new ArrayList<>(plan.host().gates());
        texts.addAll(checks.extraGates());
        for (String t : texts) {
            try {
                list.add(Gates.parse(t));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--gate: " + e.getMessage());
            }
        }
        if (list.isEmpty()) {
            throw new UsageException("--gates: this run has no nova.gates and no --gate was given; for example"
                    + " --gate \"held-out-loss < 1.30\"");
        }
        return new Gates(list);
    }

    private Map<String, Double> quality(GuardedModel model, Checks checks, long seed) {
        int samples = checks.samples() > 0 ? checks.samples() : plan.host().qualitySamples();
        int length = plan.host().qualityLength();
        long t0 = System.nanoTime();
        SampleQuality measure = new SampleQuality(plan.pluginId(), plan.info().modality());
        Map<String, Double> q = measure.measure(model, samples, length, seed);
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintStream out = terminal.out();
        out.print(System.lineSeparator() + measure.summary(samples, length, seed, seconds));
        out.printf("%-24s %12s %12s%n", "metric", "samples", "real");
        q.forEach((k, v) -> {
            if (!k.startsWith(SampleQuality.REAL)) {
                double real = q.getOrDefault(SampleQuality.REAL + k, Double.NaN);
                out.printf("%-24s %12s %12s%n", k, figure(v), figure(real));
            }
        });
        return q;
    }

    /** A figure of the quality table; one that could not be measured (NaN) as {@code n/a}. */
    private static String figure(Double v) {
        return v == null ? "n/a" : Figures.format(v, 6);
    }

    private int verdicts(Gates gates, Map<String, Double> all) {
        List<Gates.Verdict> verdicts;
        try {
            verdicts = gates.check(all);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintStream out = terminal.out();
        out.printf("%n%-24s %-12s %12s  %s%n", "gate", "threshold", "value", "pass");
        for (Gates.Verdict v : verdicts) {
            out.printf("%-24s %-12s %12.6f  %s%n", v.gate().metric(), v.gate().condition(), v.value().getAsDouble(),
                    v.passed() ? "yes" : "NO");
        }
        List<Gates.Verdict> failed = verdicts.stream().filter(v -> !v.passed()).toList();
        if (failed.isEmpty()) {
            return 0;
        }
        terminal.err().println("nova: " + failed.size() + " of " + verdicts.size() + " quality gates failed: "
                + String.join("; ", failed.stream().map(v -> v.gate().metric() + " = "
                        + String.format("%.6f", v.value().getAsDouble()) + ", needs " + v.gate().condition()).toList()));
        return Gates.EXIT_FAILED;
    }
}

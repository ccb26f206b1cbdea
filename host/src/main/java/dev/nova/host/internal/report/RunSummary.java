package dev.nova.host.internal.report;

import dev.nova.host.internal.quality.Gates;
import dev.nova.host.internal.store.ProgressRecord.Training;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's figures at a glance, as text.
 *
 * @param steps the last step trained
 * @param time the training time, or empty
 * @param trainingLoss the last training loss
 * @param trainingLossAt where it was
 * @param bestHeldOut the lowest held-out loss (per character for a subword model)
 * @param bestHeldOutAt where it was
 * @param quality the sample-quality figures of the last evaluation, each {name, value, its real floor}
 * @param gates how many gates pass
 * @param gateClass pass, fail or unmeasured
 * @param parent the parent a fine-tuned run started from, or empty
 */
record RunSummary(String steps, String time, String trainingLoss, String trainingLossAt, String bestHeldOut,
                  String bestHeldOutAt, List<String[]> quality, String gates, String gateClass, String parent) {

    static RunSummary of(RunRecord r) {
        long step = Math.max(r.progress().isEmpty() ? 0 : r.progress().get(r.progress().size() - 1).step(),
                r.evaluations().isEmpty() ? 0 : r.evaluations().lastKey());
        String time = r.progress().isEmpty() ? "" : duration(r.progress().get(r.progress().size() - 1)
                .elapsedSeconds());
        Training lastTraining = r.progress().isEmpty() ? null : r.progress().get(r.progress().size() - 1);
        boolean perChar = r.evaluations().values().stream().anyMatch(m -> m.containsKey(Report.LOSS_PER_CHAR));
        String metric = perChar ? Report.LOSS_PER_CHAR : "loss";
        long bestStep = -1;
        double best = Double.POSITIVE_INFINITY;
        for (Map.Entry<Long, Map<String, Double>> e : r.evaluations().entrySet()) {
            Double v = e.getValue().get(metric);
            if (v != null && v < best) {
                best = v;
                bestStep = e.getKey();
            }
        }
        List<String[]> quality = new ArrayList<>();
        if (!r.evaluations().isEmpty()) {
            Map<String, Double> last = r.evaluations().get(r.evaluations().lastKey());
            for (String q : List.of("copy-rate-8", "distinct-2", "fd", "precision", "recall", "class-consistency")) {
                if (last.containsKey(q)) {
                    Double real = last.get("real." + q);
                    quality.add(new String[] {q, Chart.num(last.get(q)), real == null ? "at step "
                            + r.evaluations().lastKey() : "real data " + Chart.num(real)});
                }
            }
        }
        List<String> malformed = new ArrayList<>();
        List<Gates.Verdict> verdicts = r.gates().isEmpty() ? List.of() : Report.verdicts(r, malformed);
        long passed = verdicts.stream().filter(v -> v.value().isPresent() && v.passed()).count();
        long unmeasured = verdicts.stream().filter(v -> v.value().isEmpty()).count();
        int all = verdicts.size() + malformed.size();
        String gates = all == 0 ? "" : passed + " of " + all + " pass" + (unmeasured > 0 ? ", " + unmeasured
                + " not measured" : "");
        String gateClass = all == 0 ? "" : passed == all ? "pass" : passed + unmeasured == all ? "unmeasured"
                : "fail";
        String parent = parent(r.manifest());
        return new RunSummary(Long.toString(step), time, lastTraining == null ? "" : Chart.num(lastTraining.loss()),
                lastTraining == null ? "" : "at step " + lastTraining.step(), bestStep < 0 ? "" : Chart.num(best),
                bestStep < 0 ? "" : (perChar ? "nats per character, " : "") + "lowest, at step " + bestStep,
                quality, gates, gateClass, parent);
    }

    /** The parent of a fine-tuned model, short: its run folder's name and step, or the weights it imported. */
    static String parent(Map<String, String> manifest) {
        if (manifest.containsKey("lineage.1.import")) {
            return "imported " + manifest.get("lineage.1.import") + " weights";
        }
        String from = manifest.getOrDefault("lineage.1.init-from", manifest.get("lineage.1.checkpoint"));
        if (from == null) {
            return "";
        }
        Path p = Path.of(from).getFileName();
        if (p != null && p.toString().endsWith(".ckpt") && Path.of(from).getParent() != null
                && Path.of(from).getParent().getFileName() != null
                && Path.of(from).getParent().getFileName().toString().equals("checkpoints")
                && Path.of(from).getParent().getParent() != null) {
            p = Path.of(from).getParent().getParent().getFileName();
        }
        return (p == null ? from : p.toString()) + ", step " + manifest.getOrDefault("lineage.1.step", "?");
    }

    /** Seconds as the largest two units: 48 s, 3 min 12 s, 2 h 5 min. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min " + s % 60 + " s" : s / 3600 + " h " + s % 3600 / 60
                + " min";
    }
}

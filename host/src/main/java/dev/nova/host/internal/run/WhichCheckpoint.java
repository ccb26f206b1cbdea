package dev.nova.host.internal.run;

import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.store.RunDirectory;
import dev.nova.host.internal.support.Terminal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Says which checkpoint of a run directory {@code generate} and {@code evaluate} read: its latest, which need not be
 * its best held-out one. Said on standard error once the model is loaded (a refusal or failure before that stays one
 * line); nothing when a checkpoint file was named.
 */
final class WhichCheckpoint {

    private WhichCheckpoint() {
    }

    static void say(Invocation invocation, RunPlan plan, Terminal terminal) {
        if (invocation.checkpoint().isEmpty() || !Files.isDirectory(invocation.checkpoint().get())
                || plan.checkpoint().isEmpty()) {
            return;
        }
        Checkpoint latest = plan.checkpoint().get();
        Path best = new RunDirectory(invocation.checkpoint().get()).bestCheckpoint();
        String also;
        if (!Files.isRegularFile(best)) {
            also = "";
        } else if (same(best, latest.file())) {
            also = ", also its best held-out one";
        } else {
            also = "; its best held-out one is " + best;
        }
        terminal.err().println("nova: reading " + latest.file() + " (the run's latest checkpoint, step "
                + latest.step() + also + ")");
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}

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
 * its best held-out one. Said on standard error once the command's work is done (a refusal or failure stays one line,
 * and text on a terminal is not interrupted); nothing when a checkpoint file was named.
 */
final class WhichCheckpoint {

    private WhichCheckpoint() {
    }

    /**
     * Says which checkpoint was read, when the command named a run directory.
     *
     * @param invocation the command
     * @param plan its plan (the checkpoint)
     * @param terminal where it goes (standard error)
     * @param what what was done with it: {@code "samples from"}, {@code "evaluated"}
     */
    static void say(Invocation invocation, RunPlan plan, Terminal terminal, String what) {
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
        terminal.err().println("nova: " + what + " " + latest.file() + " (the run's latest checkpoint, step "
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

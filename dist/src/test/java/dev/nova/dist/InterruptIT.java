package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C and SIGTERM at random moments of a real training process (between steps, during an evaluation, while the
 * loss chart, a sample or a checkpoint is being written): each time the process says where its checkpoint is,
 * the checkpoint verifies and is no older than the last one written before the signal, no temporary file is left,
 * and the run resumes.
 */
class InterruptIT {

    @TempDir
    Path dir;

    private static final String[] TINY = {"--set", "nova.train.steps=100000", "--set", "nova.train.eval-every=4",
        "--set", "nova.train.log-every=4", "--set", "nova.train.samples=1",
        "--set", "plugins.text-gru.model.embedding=16", "--set", "plugins.text-gru.model.hidden=32",
        "--set", "plugins.text-gru.train.batch=8", "--set", "plugins.text-gru.train.sequence-length=32",
        "--set", "plugins.text-gru.eval.batches=2", "--set", "plugins.text-gru.generate.length=40"};

    /**
     * Whether this process ignores SIGINT, as a command started in the background by a shell without job control
     * does ({@code bash script &}): its children inherit that, and a JVM that starts with SIGINT ignored keeps
     * ignoring it, as Unix programs do. The SIGINT trials are then SIGTERM trials (a CI run launched that way had its
     * SIGINT trial train on for good).
     */
    private static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    @Test
    void aSignalAtAnyMomentLeavesAResumableCheckpoint() throws Exception {
        Random random = new Random(2026);
        boolean canInterrupt = !sigintIgnored();
        if (!canInterrupt) {
            System.err.println("InterruptIT: SIGINT is ignored in this process (started in the background?); "
                    + "sending SIGTERM instead");
        }
        for (int trial = 0; trial < 6; trial++) {
            Path run = dir.resolve("run-" + trial);
            Path err = dir.resolve("err-" + trial + ".txt");
            Process p = trainUntilAfterFirstCheckpoint(run, err, random);
            try {
                signalled(p, run, err, trial, canInterrupt && trial % 2 == 0);
            } finally {
                p.destroyForcibly();                                   // never left training after a failure
            }
        }
    }

    private void signalled(Process p, Path run, Path err, int trial, boolean sigint) throws Exception {
        Path latest = run.resolve("checkpoints/latest.ckpt");
        long before = step(latest);
        if (sigint) {
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
        } else {
            p.destroy();                                         // SIGTERM
        }
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the process ended after the signal");
        String messages = Files.readString(err);
        assertEquals(sigint ? 130 : 143, p.exitValue(), messages);
        assertTrue(messages.contains("nova: interrupted at step ") && messages.contains("checkpoint " + latest
                + " written; continue with 'nova resume " + run + "'"), messages);
        assertFalse(messages.contains("\tat "), messages);
        LauncherIT.Run inspect = LauncherIT.novaIn(dir, "inspect", latest.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(step(latest) >= before, "checkpoint at step " + step(latest) + ", older than " + before);
        try (Stream<Path> s = Files.walk(run)) {
            List<Path> tmp = s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), tmp, "temporary files left: " + messages);
        }
        if (trial == 5) {
            long at = step(latest);
            LauncherIT.Run resume = LauncherIT.novaIn(dir, "resume", run.toString(), "--steps", Long.toString(at + 4));
            assertEquals(0, resume.code(), resume.err());
            assertEquals(at + 4, step(latest));
        }
    }

    /**
     * kill -9 gives no chance to save: the checkpoint on disk must still be a whole one (written to a temporary file,
     * flushed, renamed), verify, and resume.
     */
    @Test
    void killNineNeverLeavesABrokenCheckpoint() throws Exception {
        Random random = new Random(9);
        for (int trial = 0; trial < 4; trial++) {
            Path run = dir.resolve("killed-" + trial);
            Process p = trainUntilAfterFirstCheckpoint(run, dir.resolve("killed-err-" + trial + ".txt"), random);
            Path latest = run.resolve("checkpoints/latest.ckpt");
            p.destroyForcibly();                                     // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            for (Path ckpt : List.of(latest, run.resolve("checkpoints/best.ckpt"))) {
                if (!Files.exists(ckpt)) {
                    continue;                                        // killed between latest and its copy to best
                }
                LauncherIT.Run inspect = LauncherIT.novaIn(dir, "inspect", ckpt.toString());
                assertEquals(0, inspect.code(), ckpt + ": " + inspect.err());
            }
            if (trial == 3) {
                long at = step(latest);
                LauncherIT.Run resume = LauncherIT.novaIn(dir, "resume", run.toString(), "--steps", Long.toString(at + 4));
                assertEquals(0, resume.code(), resume.err());
                assertEquals(at + 4, step(latest));
            }
        }
    }

    /** Starts a long training run and returns up to 1.5 s (at random) after its first checkpoint is on disk. */
    private Process trainUntilAfterFirstCheckpoint(Path run, Path err, Random random) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--plugin", "text-gru", "--run-dir", run.toString()));
        args.addAll(List.of(TINY));
        Process p = start(args, err);
        Path latest = run.resolve("checkpoints/latest.ckpt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.isRegularFile(latest) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "training ended early: " + Files.readString(err));
        Thread.sleep(random.nextInt(1500));
        return p;
    }

    private Process start(List<String> args, Path err) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", LauncherIT.LIB.toString(), "--add-modules", "ALL-MODULE-PATH", "-m", "dev.nova.host/dev.nova.host.Main"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(err.toFile()).start();
    }

    private static long step(Path ckpt) throws IOException {
        try (ZipFile z = new ZipFile(ckpt.toFile()); InputStream in = z.getInputStream(z.getEntry("manifest.properties"))) {
            Properties m = new Properties();
            m.load(in);
            return Long.parseLong(m.getProperty("step"));
        }
    }
}

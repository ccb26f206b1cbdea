package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code nova} script in unlucky environments: a low limit on open files, a working directory that was
 * deleted. Each works or ends with one line saying what to change, never with a stack trace of the JVM's start-up.
 */
class EnvironmentIT {

    private static final Path NOVA = Path.of("..", "nova").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int code, List<String> err, String out) {
    }

    private Run shell(String script) throws Exception {
        ProcessBuilder b = new ProcessBuilder("bash", "-c", script).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        b.environment().put("NOVA_NO_BUILD", "1");
        b.environment().put("NOVA", NOVA.toString());
        Process p = b.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nova did not finish");
        return new Run(p.exitValue(), Files.readAllLines(dir.resolve("err.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void aLowSoftLimitOnOpenFilesIsRaisedAndALowHardLimitIsOneLine() throws Exception {
        Run soft = shell("ulimit -Sn 40 && exec bash \"$NOVA\" plugins");
        assertEquals(0, soft.code(), String.join("\n", soft.err()));
        assertTrue(soft.out().contains("text-gru"), soft.out());

        Run hard = shell("ulimit -n 40 && exec bash \"$NOVA\" plugins");
        assertEquals(1, hard.code());
        assertEquals(List.of("nova: error: this process may open only 40 files at once (ulimit -n); Nova needs about"
                + " 256: raise the limit, for example with 'ulimit -n 4096'"), hard.err());
    }

    /**
     * A limit on the address space (ulimit -v) too low for the JVM and the native libraries is one line naming the
     * setting (issue 42, 7: under 5 GB training printed OpenBLAS's pthread_create failures, then hung at exit); a soft
     * limit below it is raised to the hard one first.
     */
    @Test
    void aLowLimitOnAddressSpaceIsOneLineAndASoftOneIsRaised() throws Exception {
        Run hard = shell("ulimit -v 5242880 && exec bash \"$NOVA\" plugins");
        assertEquals(1, hard.code(), String.join("\n", hard.err()) + hard.out());
        assertEquals(1, hard.err().size(), hard.err().toString());
        assertTrue(hard.err().get(0).startsWith("nova: error: this process may reserve only 5120 MB of address space"
                + " (ulimit -v); Nova's JVM and native libraries reserve about ") && hard.err().get(0).endsWith(
                "raise the limit, for example with 'ulimit -v unlimited'"), hard.err().get(0));
        Run soft = shell("ulimit -Sv 5242880 && exec bash \"$NOVA\" plugins");
        assertEquals(0, soft.code(), String.join("\n", soft.err()));
        assertTrue(soft.out().contains("text-gru"), soft.out());
    }

    /** A small maximum heap of the user's own starts (issue 42, 7: the launcher's -Xms128m was above it). */
    @Test
    void aSmallUserHeapStillStarts() throws Exception {
        for (String max : List.of("-Xmx32m", "-XX:MaxHeapSize=64m")) {
            Run r = shell("NOVA_JAVA_OPTS=" + max + " exec bash \"$NOVA\" plugins");
            assertEquals(0, r.code(), max + ": " + String.join("\n", r.err()) + r.out());
            assertTrue(r.out().contains("text-gru"), r.out());
        }
    }

    @Test
    void aDeletedWorkingDirectoryIsOneLine() throws Exception {
        Run r = shell("mkdir gone && cd gone && rmdir ../gone && exec bash \"$NOVA\" plugins");
        assertEquals(1, r.code());
        // bash itself notes the missing folder when it starts; Nova's own word is one line, without a stack trace
        assertTrue(r.err().get(r.err().size() - 1).startsWith("nova: error: the working directory "), r.err().toString());
        assertTrue(r.err().get(r.err().size() - 1).endsWith("gone no longer exists; cd to an existing folder and run nova"
                + " again"), r.err().toString());
        assertTrue(r.err().stream().noneMatch(l -> l.contains("\tat ") || l.contains("java.lang.")), r.err().toString());
    }
}

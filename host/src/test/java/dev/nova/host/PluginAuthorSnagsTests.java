package dev.nova.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.host.FixturePlugins.Spec;
import dev.nova.host.InProcess.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plugin author meets with a plugin from a plugin folder and a project of their own: runs remember the
 * plugin folder, relative data paths survive a moved project, and a missing data file is a configuration error.
 */
class PluginAuthorSnagsTests {

    @TempDir
    Path dir;

    Path plugins;
    Path project;


    @BeforeEach
    void setUp() throws Exception {
        plugins = dir.resolve("plugins");
        FixturePlugins.build(Spec.of("uni", "fixture.uni"), plugins.resolve("uni.jar"));
        project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("corpus.txt"), "ab ab ba. aab bba.\n".repeat(10));
        Files.writeString(project.resolve("run.conf"), "nova { plugin = uni, train { steps = 10, eval-every = 10 } }\n"
                + "plugins.uni.text-file = corpus.txt\n");
    }

    private static Result nova(String... args) {
        return InProcess.nova(args);
    }

    Path trainInProject() {
        Path run = project.resolve("runs/first");
        Result r = nova("train", project.resolve("run.conf").toString(), "--plugin-path", plugins.toString(),
                "--run-dir", run.toString());
        assertEquals(0, r.code(), r.err());
        return run;
    }

    @Test
    void generateEvaluateAndResumeFindThePluginFolderTheRunWasTrainedWith() {
        Path run = trainInProject();
        Result g = nova("generate", run.toString(), "--length", "10");
        assertEquals(0, g.code(), g.err());
        Result e = nova("evaluate", run.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("loss "), e.out());
        Result r = nova("resume", run.toString(), "--steps", "20");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aChangedPluginJarIsAWarning() {
        Path run = trainInProject();
        // A new folder: this JVM still has the first jar open (a real launcher is a new process each time).
        Path newer = dir.resolve("newer");
        FixturePlugins.build(Spec.of("uni", "fixture.uni").constructor("int changed = 1;"), newer.resolve("uni.jar"));
        Result g = nova("generate", run.toString(), "--length", "10", "--plugin-path", newer.toString());
        assertEquals(0, g.code(), g.err());
        assertTrue(g.err().contains("nova: warning: plugin 'uni' (" + newer.resolve("uni.jar")
                + ", version 1.2.3) is not the jar this checkpoint was written with"), g.err());
    }

    /** A project moved with its runs and its data still resumes: relative data paths follow the run folder. */
    @Test
    void aMovedProjectStillResumes() throws Exception {
        trainInProject();
        Path moved = Files.move(project, dir.resolve("moved-project"));
        Result r = nova("resume", moved.resolve("runs/first").toString(), "--steps", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming 'uni' at step 10 of 20"), r.err());
    }

    /** A run folder moved away from its data says which setting names the missing file and where it looked. */
    @Test
    void aRunMovedAwayFromItsDataSaysWhichPathIsMissing() throws Exception {
        Path run = trainInProject();
        Path alone = Files.move(run, dir.resolve("alone"));
        Files.delete(project.resolve("corpus.txt"));
        Result r = nova("resume", alone.toString(), "--steps", "20");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("plugins.uni.text-file names " + project.resolve("corpus.txt") + ", which does not exist"),
                r.err());
    }

    /** validate gets the base directory: a missing data file is a configuration error, before a run exists. */
    @Test
    void aMissingDataFileIsAConfigurationErrorBeforeARunExists() throws Exception {
        Files.delete(project.resolve("corpus.txt"));
        Path run = project.resolve("runs/never");
        Result r = nova("train", project.resolve("run.conf").toString(), "--plugin-path", plugins.toString(),
                "--run-dir", run.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("run.conf: 2: plugins.uni.text-file names " + project.resolve("corpus.txt")
                + ", which does not exist"), r.err());
        assertFalse(Files.exists(run));
    }
}

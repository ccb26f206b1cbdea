package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding API ({@code dev.nova.host.embed.NovaModel}) in an application outside Nova's build: a one-file program
 * opens a run, streams a sample and prints it, on the module path and on the class path; the text is what
 * {@code nova generate} prints for the same prompt, length and seed, and a missing run is one clear exception.
 */
class EmbedIT {

    private static final String APP = """
            import dev.nova.api.GenerationListener;
            import dev.nova.host.embed.NovaModel;
            import java.nio.file.Path;

            public class Embed {
                public static void main(String[] args) {
                    try {
                        NovaModel.open(Path.of(args[0], "missing"));
                    } catch (IllegalArgumentException e) {
                        System.out.println("refused: " + e.getMessage());
                    }
                    try (NovaModel m = NovaModel.open(Path.of(args[0]))) {
                        StringBuilder streamed = new StringBuilder();
                        String text = m.text("And God said", 60, 7, (sample, chunk) -> streamed.append(chunk));
                        System.out.println(m.plugin().id() + " at step " + m.step());
                        System.out.println("streamed " + streamed.length());
                        dev.nova.api.TextTokens tokens = m.textTokens().orElseThrow();
                        int[] ids = tokens.encode("And God said");
                        System.out.println("TOKENS " + tokens.kind() + ":" + java.util.Arrays.toString(ids)
                                + ":" + tokens.decode(ids));
                        System.out.println("TEXT:" + text);
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    private String run(List<String> launch) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(launch);
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the application did not finish in 120 s");
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    @Test
    void anApplicationOpensARunOnTheModulePathAndOnTheClassPath() throws Exception {
        Path runDir = dir.resolve("run");
        LauncherIT.Run train = LauncherIT.novaIn(dir, "train", "--plugin", "text-gru", "--run-dir", runDir.toString(),
                "--set", "nova.train.steps=10", "--set", "nova.train.eval-every=10", "--set", "nova.train.samples=0",
                "--set", "plugins.text-gru.model.hidden=32", "--set", "plugins.text-gru.eval.batches=2");
        assertEquals(0, train.code(), train.err());
        Path app = Files.writeString(dir.resolve("Embed.java"), APP);
        Path lib = LauncherIT.LIB;

        String modulePath = run(List.of("-p", lib.toString(), "--add-modules", "ALL-MODULE-PATH", app.toString(),
                runDir.toString()));
        String classPath = run(List.of("-cp", lib.resolve("*").toString(), app.toString(), runDir.toString()));
        for (String out : List.of(modulePath, classPath)) {
            assertTrue(out.contains("text-gru at step 10"), out);
            assertTrue(out.contains("refused: run directory") || out.contains("refused: checkpoint"), out);
            assertTrue(out.contains("streamed 60"), out);
        }
        String text = modulePath.substring(modulePath.indexOf("TEXT:") + 5).strip();
        assertEquals(text, classPath.substring(classPath.indexOf("TEXT:") + 5).strip(), "the same model either way");
        LauncherIT.Run cli = LauncherIT.novaIn(dir, "generate", runDir.toString(), "--prompt", "And God said",
                "--length", "60", "--seed", "7");
        assertEquals(0, cli.code(), cli.err());
        assertEquals(cli.out().strip(), text, "what nova generate prints for the same options");
        // The model's tokens are those nova tokenize --run prints, and decode back to the text.
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), "And God said");
        LauncherIT.Run tokenize = LauncherIT.novaIn(dir, "tokenize", prompt.toString(), "--run", runDir.toString());
        assertEquals(0, tokenize.code(), tokenize.err());
        String ids = "[" + String.join(", ", tokenize.out().strip().split(" ")) + "]";
        for (String out : List.of(modulePath, classPath)) {
            assertTrue(out.contains("TOKENS chars:" + ids + ":And God said"), out + "\nexpected " + ids);
        }
    }
}

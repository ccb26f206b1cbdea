package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nova serve} with the official OpenAI client library for Node ({@code openai} from the npm registry),
 * unchanged: model list, a plain completion and a streamed one give what {@code nova generate} prints, an unknown model
 * is the client's 404 error naming the field, and a stream refused before its first token is the client's 400.
 * Skipped, saying why, without Node or the client; {@code .ci/run} installs the client into
 * {@code target/openai-client} ({@code npm install openai@6.30.1}).
 */
class ServeOpenAiClientIT {

    static final Path CLIENT = Path.of("../target/openai-client").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theOfficialNodeClientCompletesAndStreamsUnchanged() throws Exception {
        assumeTrue(Files.isDirectory(CLIENT.resolve("node_modules/openai")), "not exercised: the OpenAI Node client is"
                + " not installed (npm install --prefix target/openai-client openai@6.30.1, as .ci/run does)");
        assumeTrue(new ProcessBuilder("node", "--version").start().waitFor() == 0, "not exercised: no node");
        Path run = dir.resolve("poems");
        LauncherIT.Run t = LauncherIT.novaIn(dir, "train", Path.of("../conf/text-gru-quickstart.conf").toAbsolutePath()
                .toString(), "--run-dir", run.toString(), "--set", "nova.train.steps=20", "--set",
                "nova.train.eval-every=20", "--set", "nova.train.samples=0");
        assertEquals(0, t.code(), t.err());
        LauncherIT.Run g = LauncherIT.novaIn(dir, "generate", run.toString(), "--prompt", "And God said", "--length",
                "60", "--seed", "7");
        assertEquals(0, g.code(), g.err());
        String expected = g.out().substring("And God said".length(), g.out().length() - 1);

        Path script = CLIENT.resolve("openai-client.mjs");
        Files.copy(Path.of("src/test/node/openai-client.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
        try (Served s = Served.start(dir, "--token", "t0ken", "poems=" + run)) {
            ProcessBuilder pb = new ProcessBuilder("node", script.toString()).directory(CLIENT.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(Map.of("NOVA_URL", s.url, "NOVA_TOKEN", "t0ken", "NOVA_MODEL", "poems"));
            Process node = pb.start();
            String out = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(node.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, node.exitValue(), out);
            Map<String, Object> r = JSON.std.mapFrom(out);
            assertEquals(List.of("poems"), r.get("models"));
            assertEquals(expected, r.get("plain"));
            assertEquals("length", r.get("plainFinish"));
            assertEquals(expected, r.get("streamed"), "streamed as server-sent events, read by the client");
            assertEquals("length", r.get("finish"));
            assertEquals(Map.of("prompt_tokens", 12, "completion_tokens", 60, "total_tokens", 72), r.get("usage"));
            assertEquals(r.get("plainUsage"), r.get("usage"));
            Map<?, ?> error = (Map<?, ?>) r.get("error");
            assertEquals(404, error.get("status"), error.toString());
            assertEquals("model", error.get("param"));
            assertEquals("model_not_found", error.get("code"));
            assertEquals("NotFoundError", error.get("type"));
            // Refused before the first token: a 400 naming the field, not 200 and an error event (issue 43).
            Map<?, ?> refused = (Map<?, ?>) r.get("refused");
            assertEquals(400, refused.get("status"), refused.toString());
            assertEquals("prompt", refused.get("param"), refused.toString());
            assertEquals("BadRequestError", refused.get("type"), refused.toString());
        }
    }
}

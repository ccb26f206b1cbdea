import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.Sample;
import dev.nova.host.embed.NovaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Nova's side of bench/llama.sh, run as a single-file program on the launcher's class path:
 *
 * <pre>
 *   java SampleSpeed.java sample RUN PROMPT_FILE LENGTH REPEATS   greedy LENGTH tokens after the prompt, REPEATS times
 *   java SampleSpeed.java copy MIB REPEATS                        the machine's copy bandwidth, arrays of MIB MiB
 * </pre>
 *
 * Prints one JSON line: for sample, the seconds the model took to open and each timed generation's seconds (prompt
 * and generated tokens; one untimed generation of 16 tokens first), and the text; for copy, bytes read and written
 * per second of each pass.
 */
public class SampleSpeed {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("copy")) {
            int n = Integer.parseInt(args[1]) << 18;          // floats
            float[] a = new float[n];
            float[] b = new float[n];
            java.util.Arrays.fill(a, 1f);
            StringBuilder rates = new StringBuilder();
            for (int r = 0; r <= Integer.parseInt(args[2]); r++) {
                long t0 = System.nanoTime();
                System.arraycopy(a, 0, b, 0, n);
                double s = (System.nanoTime() - t0) / 1e9;
                if (r > 0) {
                    rates.append(r == 1 ? "" : ", ").append(2.0 * 4 * n / s);
                }
            }
            System.out.printf("{\"bytes_per_s\": [%s]}%n", rates);
            return;
        }
        String prompt = Files.readString(Path.of(args[2]));
        int length = Integer.parseInt(args[3]);
        long t0 = System.nanoTime();
        try (NovaModel model = NovaModel.open(Path.of(args[1]))) {
            double load = (System.nanoTime() - t0) / 1e9;
            model.generate(new GenerationRequest(1, 1, Map.of(GenerationRequest.PROMPT, prompt,
                    GenerationRequest.LENGTH, 16, GenerationRequest.GREEDY, true), GenerationListener.NONE));
            StringBuilder seconds = new StringBuilder();
            String text = "";
            for (int r = 0; r < Integer.parseInt(args[4]); r++) {
                long t1 = System.nanoTime();
                Sample s = model.generate(new GenerationRequest(1, 1, Map.of(GenerationRequest.PROMPT, prompt,
                        GenerationRequest.LENGTH, length, GenerationRequest.GREEDY, true), GenerationListener.NONE))
                        .get(0);
                seconds.append(r == 0 ? "" : ", ").append((System.nanoTime() - t1) / 1e9);
                text = ((Sample.Text) s).text().substring(prompt.length());
            }
            System.out.printf("{\"load_s\": %s, \"seconds\": [%s], \"text\": %s}%n", load, seconds, json(text));
        }
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}

import dev.nova.formats.tokens.ByteLevelBpe;
import dev.nova.formats.tokens.Gpt2Files;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Nova's side of bench/tokenizer.sh, run as a single-file program on nova-formats' class path:
 *
 * <pre>
 *   java TokenizeSpeed.java encode TEXT GPT2_FOLDER REPEATS   GPT-2's encoding of TEXT, after one untimed pass
 *   java TokenizeSpeed.java train TEXT SIZE                   a byte-level BPE of SIZE tokens trained on TEXT
 * </pre>
 *
 * Prints one JSON line: the text's UTF-8 bytes, the tokens, and the seconds of each timed pass.
 */
public class TokenizeSpeed {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[1]));
        long bytes = Files.size(Path.of(args[1]));
        StringBuilder seconds = new StringBuilder();
        int tokens;
        if (args[0].equals("encode")) {
            ByteLevelBpe gpt2 = Gpt2Files.read(Path.of(args[2]));
            tokens = gpt2.encode(text).length;             // untimed: class loading and the JIT's first compilations
            for (int r = 0; r < Integer.parseInt(args[3]); r++) {
                long t0 = System.nanoTime();
                tokens = gpt2.encode(text).length;
                seconds.append(r == 0 ? "" : ", ").append((System.nanoTime() - t0) / 1e9);
            }
        } else {
            long t0 = System.nanoTime();
            ByteLevelBpe trained = ByteLevelBpe.train(text, Integer.parseInt(args[2]));
            seconds.append((System.nanoTime() - t0) / 1e9);
            tokens = trained.encode(text).length;
        }
        System.out.printf("{\"bytes\": %d, \"tokens\": %d, \"seconds\": [%s]}%n", bytes, tokens, seconds);
    }
}

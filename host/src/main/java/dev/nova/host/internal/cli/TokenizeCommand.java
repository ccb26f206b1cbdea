package dev.nova.host.internal.cli;

import dev.nova.api.TextTokens;
import dev.nova.formats.tokens.ByteLevelBpe;
import dev.nova.formats.tokens.Gpt2Files;
import dev.nova.formats.tokens.TokenizerFileException;
import dev.nova.host.internal.model.OpenModel;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nova tokenize}: the token ids of a text under a run's tokenizer or a given one, or the text of ids: for
 * checking Nova's tokenizers against others and for seeing how a prompt is cut (llama.cpp's {@code llama-tokenize}).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Print the token ids of a UTF-8 text file"
        + " (one line, separated by spaces) under a run's tokenizer or a given one; --decode prints the text of ids.")
final class TokenizeCommand implements java.util.concurrent.Callable<Integer> {

    /** The largest file read. */
    static final long MAX_BYTES = 256L << 20;

    @Parameters(index = "0", paramLabel = "FILE", description = "A UTF-8 text file (with --decode: token ids separated by"
            + " white space); - reads standard input.")
    String file;

    @Option(names = "--run", paramLabel = "RUN", description = "A run directory or checkpoint: its model's tokenizer.")
    Path run;

    @Option(names = "--tokenizer", paramLabel = "KIND", description = "chars (the file's own characters), bpe (trained on"
            + " the file, --vocab-size tokens) or gpt2 (GPT-2's, from --tokenizer-path).")
    String kind;

    @Option(names = "--tokenizer-path", paramLabel = "DIR", description = "gpt2: the folder of vocab.json and merges.txt"
            + " (or encoder.json and vocab.bpe).")
    Path tokenizerPath;

    @Option(names = "--vocab-size", paramLabel = "N", defaultValue = "1024", description = "bpe: tokens to train,"
            + " the 256 bytes included (default ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--decode", description = "FILE holds token ids: print their text.")
    boolean decode;

    @Mixin
    NovaCommand.PluginPath pluginPath;

    @CommandLine.ParentCommand
    NovaCommand nova;

    @Override
    public Integer call() {
        if ((run == null) == (kind == null)) {
            throw new UsageException("name either --run RUN (a run's tokenizer) or --tokenizer chars|bpe|gpt2");
        }
        if (kind != null && tokenizerPath != null && !kind.equals("gpt2")) {
            throw new UsageException("--tokenizer-path is for --tokenizer gpt2, not " + kind);
        }
        String text = read();
        PrintStream out = nova.terminal.out();
        if (run != null) {
            try (OpenModel model = nova.component(Invocation.read(run, pluginPath.get())).modelLoader().open()) {
                TextTokens tokens = model.model().textTokens().orElseThrow(() -> new UsageException("plugin '"
                        + model.info().id() + "' does not say how its text becomes tokens (GenerativeModel.textTokens(),"
                        + " plugin API 1.4); a text model on Nova's kit does"));
                print(out, decode ? tokens.decode(ids(text, tokens.size())) : ids(tokens.encode(text)));
            }
            return 0;
        }
        switch (kind) {
            case "gpt2" -> {
                if (tokenizerPath == null) {
                    throw new UsageException("--tokenizer gpt2 needs --tokenizer-path DIR, the folder of GPT-2's"
                            + " vocab.json and merges.txt (or encoder.json and vocab.bpe)");
                }
                ByteLevelBpe bpe;
                try {
                    bpe = Gpt2Files.read(tokenizerPath);
                } catch (TokenizerFileException e) {
                    throw new UsageException("--tokenizer-path: " + e.getMessage());
                }
                print(out, decode ? bpe.decode(ids(text, bpe.size())) : ids(bpe.encode(text)));
            }
            case "bpe", "chars" -> {
                if (decode) {
                    throw new UsageException("--decode with --tokenizer " + kind + " has no text to make the tokenizer"
                            + " from; decode with --run RUN (a run's tokenizer) or --tokenizer gpt2");
                }
                if (kind.equals("chars")) {
                    int[] cps = text.codePoints().distinct().sorted().toArray();
                    print(out, ids(text.codePoints().map(cp -> Arrays.binarySearch(cps, cp)).toArray()));
                } else {
                    try {
                        print(out, ids(ByteLevelBpe.train(text, vocabSize).encode(text)));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--vocab-size: " + e.getMessage() + " (" + file + ")");
                    }
                }
            }
            default -> throw new UsageException("--tokenizer must be chars, bpe or gpt2, found '" + kind + "'");
        }
        return 0;
    }

    private static void print(PrintStream out, String s) {
        out.print(s);
        out.flush();
    }

    private static String ids(int[] tokens) {
        return Arrays.stream(tokens).mapToObj(Integer::toString).collect(Collectors.joining(" ", "", "\n"));
    }

    private int[] ids(String text, int size) {
        String[] words = text.strip().isEmpty() ? new String[0] : text.strip().split("\\s+");
        int[] ids = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            try {
                ids[i] = Integer.parseInt(words[i]);
            } catch (NumberFormatException e) {
                throw new UsageException(file + ": '" + words[i].codePoints().limit(20).collect(StringBuilder::new,
                        StringBuilder::appendCodePoint, StringBuilder::append) + "' (word " + (i + 1)
                        + ") is not a token id; --decode reads ids separated by white space");
            }
            if (ids[i] < 0 || ids[i] >= size) {
                throw new UsageException(file + ": token " + ids[i] + " (word " + (i + 1) + ") is not in [0, " + size
                        + "), the tokenizer's ids");
            }
        }
        return ids;
    }

    private String read() {
        byte[] bytes;
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new UsageException(file + " has more than " + MAX_BYTES + " bytes; tokenize it in parts");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(file + " is not UTF-8 text (" + e.getMessage() + ")");
        }
    }
}

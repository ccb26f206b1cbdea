package dev.nova.host.internal.cli;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.host.internal.media.Wave;
import dev.nova.host.internal.model.GenerationOption;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code nova generate}: samples from a checkpoint, text streamed to standard output, images as PNG files. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate samples from a checkpoint (text streams to standard output).")
final class GenerateCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint file or a run directory (its latest checkpoint).")
    Path checkpoint;

    @Option(names = {"-n", "--count"}, defaultValue = "1", description = "How many samples (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1234", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prompt", description = "Text every sample starts with.")
    String prompt;

    @Option(names = "--prompt-file", paramLabel = "FILE", description = "Read the prompt from a UTF-8 file.")
    Path promptFile;

    @Option(names = "--length", description = "Text models: tokens to generate after the prompt (characters for a"
            + " model on data.tokenizer = chars; a bpe or gpt2 token is a few characters).")
    Integer length;

    @Option(names = "--temperature", description = "Softmax temperature, > 0.")
    Double temperature;

    @Option(names = "--top-k", description = "Sample only from the k most likely tokens.")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus sampling threshold in (0,1].")
    Double topP;

    @Option(names = "--greedy", description = "Always take the most likely token.")
    boolean greedy;

    @Option(names = "--label", paramLabel = "CLASS", description = "Class to condition on, by name or index"
            + " (conditional image models; audio models with model.conditioning = class).")
    String label;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Any other plugin option (repeatable).")
    Map<String, String> more = new LinkedHashMap<>();

    @Option(names = "--seconds", description = "Audio models: seconds to generate after the prompt.")
    Double seconds;

    @Option(names = "--prompt-wav", paramLabel = "FILE", description = "Audio models: a WAV file every sample continues.")
    Path promptWav;

    @Option(names = "--spectrogram", paramLabel = "FILE", description = "Audio models: also draw the first sample's"
            + " spectrogram as a PNG.")
    Path spectrogram;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Image models: the PNG grid to write (default samples.png); audio models: the WAV file, samples"
                    + " half a second apart (default samples.wav).")
    Path out;

    @Option(names = "--each", paramLabel = "DIR", description = "Image and audio models: also write one PNG or WAV file"
            + " per sample here.")
    Path each;

    @Option(names = "--raw", description = "Text models: write generated text to a terminal as it is; by default its"
            + " control characters (escape sequences) are shown escaped when standard output is a terminal.")
    boolean raw;

    @Mixin
    NovaCommand.PluginPath pluginPath;

    @CommandLine.ParentCommand
    NovaCommand nova;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || count > MAX_COUNT) {
            throw new UsageException("--count must be in [1, " + MAX_COUNT + "], found " + count);
        }
        Map<String, Object> options = new LinkedHashMap<>(more);
        if (prompt != null && promptFile != null) {
            throw new UsageException("give --prompt or --prompt-file, not both");
        }
        if (promptFile != null) {
            options.put(GenerationRequest.PROMPT, readPrompt(promptFile));
        }
        if (out != null && java.nio.file.Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " is a directory; give the file to write (for a file per"
                    + " sample use --each DIR)");
        }
        if (each != null && java.nio.file.Files.exists(each) && !java.nio.file.Files.isDirectory(each)) {
            throw new UsageException("--each " + each + " is a file; give a directory for the sample files");
        }
        // Each flag's value under its option's key, as the table of options names them.
        for (GenerationOption o : GenerationOption.values()) {
            Object value = spec.findOption(o.flag()).getValue();
            if (o == GenerationOption.PROMPT_AUDIO && value != null) {
                value = Wave.read((Path) value, o.flag());
            } else if (o == GenerationOption.LABEL && value instanceof String s && s.matches("\\d{1,9}")) {
                value = Integer.valueOf(s);            // an index as the API's Integer; a name as its String
            } else if (o == GenerationOption.GREEDY) {
                value = Boolean.TRUE.equals(value) ? Boolean.TRUE : null;
            }
            putIfPresent(options, o.key(), value);
        }
        nova.component(Invocation.read(checkpoint, pluginPath.get())).sampler()
                .generate(new GenerationRequest(count, seed, options, GenerationListener.NONE), out,
                        Optional.ofNullable(each), raw, Optional.ofNullable(spectrogram));
        return 0;
    }

    /** The most samples one generate call asks for (each is held in memory until written). */
    static final int MAX_COUNT = 100_000;

    /** The most prompt text read from a file: a prompt is a few lines; a model's context is far shorter. */
    static final int MAX_PROMPT_BYTES = 1 << 20;

    private static String readPrompt(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new UsageException("--prompt-file " + file + " does not exist or is not a file");
        }
        byte[] bytes;
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_PROMPT_BYTES + 1);
        } catch (IOException e) {
            throw new UsageException("cannot read --prompt-file " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_PROMPT_BYTES) {
            throw new UsageException("--prompt-file " + file + " is larger than 1 MiB; a prompt is a few lines");
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UsageException("--prompt-file " + file + " is not valid UTF-8 text");
        }
    }

    private static void putIfPresent(Map<String, Object> options, String key, Object value) {
        if (value != null) {
            options.put(key, value);
        }
    }
}

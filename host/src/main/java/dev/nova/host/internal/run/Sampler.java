package dev.nova.host.internal.run;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.Sample;
import dev.nova.host.internal.media.Png;
import dev.nova.host.internal.media.SampleFormat;
import dev.nova.host.internal.media.Wave;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.model.OpenModel;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.support.AtomicFiles;
import dev.nova.host.internal.support.OutputClosedException;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.UsageException;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code nova generate}: samples from the plan's checkpoint. Text streams to standard output as the plugin produces
 * it (each sample after the prompt, samples separated by a blank line); images are written as a PNG grid, and one PNG
 * per sample on request. The plugin's notices go to standard error.
 */
public final class Sampler {

    private final RunPlan plan;
    private final ModelLoader loader;
    private final Terminal terminal;
    private final Invocation invocation;

    /**
     * Creates the sampler.
     *
     * @param plan the plan (its checkpoint)
     * @param loader restores the model
     * @param terminal where samples and notices go
     * @param invocation the command: whether it named a run directory (said which checkpoint it reads) or a file
     */
    @Inject
    public Sampler(RunPlan plan, ModelLoader loader, Terminal terminal, Invocation invocation) {
        this.plan = plan;
        this.invocation = invocation;
        this.loader = loader;
        this.terminal = terminal;
    }

    /**
     * Generates samples.
     *
     * @param request what to generate (its listener is replaced by the terminal's)
     * @param gridFile where image grids or audio go (null: samples.png or samples.wav)
     * @param eachDir where single images go, if wanted
     * @param raw whether text goes to the terminal as generated; otherwise its control characters are escaped when
     *     standard output is a terminal ({@link Terminal#escapeControls})
     * @return the samples
     * @throws OutputClosedException as soon as standard output is closed by its reader
     */
    public List<Sample> generate(GenerationRequest request, Path gridFile, Optional<Path> eachDir, boolean raw) {
        return generate(request, gridFile, eachDir, raw, Optional.empty());
    }

    /**
     * Generates samples, and for an audio model also draws the first sample's spectrogram.
     *
     * @param request what to generate
     * @param gridFile where image grids or audio go (null: samples.png or samples.wav)
     * @param eachDir where single samples go, if wanted
     * @param raw text as it is
     * @param spectrogram where the first audio sample's spectrogram (PNG) goes, if wanted
     * @return the samples
     */
    public List<Sample> generate(GenerationRequest request, Path gridFile, Optional<Path> eachDir, boolean raw,
                                 Optional<Path> spectrogram) {
        SampleFormat format = SampleFormat.of(plan.info().modality());
        boolean text = format.streams();
        if (!text) {
            Png.encodeInMemory();
        }
        // Before the model loads: a file named for another format would hold what its name does not say.
        if (gridFile != null && !text && SampleFormat.ofFile(gridFile).filter(f -> f != format).isPresent()) {
            throw new UsageException("--out " + gridFile + ": plugin '" + plan.pluginId() + "' makes "
                    + format.plural() + ", written as " + format.extension().toUpperCase(java.util.Locale.ROOT)
                    + "; name the file ." + format.extension());
        }
        if (spectrogram.isPresent() && !spectrogram.get().getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                .matches(".+\\.(png|svg)")) {
            throw new UsageException("--spectrogram " + spectrogram.get() + ": a spectrogram is written as SVG (with"
                    + " axes) or PNG (the picture alone); name the file .svg or .png");
        }
        String prompt = request.options().getOrDefault(GenerationRequest.PROMPT, "").toString();
        TextStream stream = new TextStream(terminal, text ? prompt : null, terminal.interactive() && !raw);
        GenerationRequest req = new GenerationRequest(request.count(), request.seed(), request.options(), stream);
        try (OpenModel model = loader.open()) {
            List<Sample> samples;
            try {
                samples = model.model().generate(req);
            } catch (RuntimeException e) {
                if (stream.closed || e.getCause() instanceof OutputClosedException) {
                    // thrown through the plugin by the listener: the reader is gone, nothing else went wrong
                    throw new OutputClosedException();
                }
                throw e;
            }
            if (text) {
                stream.finish(samples);
            } else {
                write(format, format.select(samples), gridFile == null ? Path.of("samples." + format.extension())
                        : gridFile, eachDir);
                if (spectrogram.isPresent()) {
                    spectrogram(samples, request, spectrogram.get());
                }
            }
            WhichCheckpoint.say(invocation, plan, terminal, "samples from");
            return samples;
        }
    }

    /**
     * Draws the first sound's spectrogram, its prompt's end marked: as SVG with axes (seconds, kHz), or as the PNG
     * picture alone.
     */
    private void spectrogram(List<Sample> samples, GenerationRequest request, Path file) {
        Optional<Sample.Audio> first = SampleFormat.SOUNDS.select(samples).stream().findFirst()
                .map(s -> (Sample.Audio) s);
        if (first.isEmpty()) {
            return;
        }
        double prompt = request.options().get(GenerationRequest.PROMPT_AUDIO) instanceof Sample.Audio p
                ? p.seconds() : 0;
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".svg")) {
            AtomicFiles.write(Wave.spectrogramSvg(first.get(), prompt).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    file);
        } else {
            SampleFormat.IMAGES.write(List.of(Wave.spectrogram(first.get(), prompt)), file, true);
        }
        terminal.err().println("nova: wrote the first sample's spectrogram to " + file + (prompt > 0
                ? String.format(java.util.Locale.ROOT, " (the prompt ends at %.2f s, marked)", prompt) : ""));
    }

    /** Writes the samples into one file, and one file each when asked; says so on standard error. */
    private void write(SampleFormat format, List<Sample> samples, Path file, Optional<Path> eachDir) {
        if (samples.isEmpty()) {
            return;
        }
        PrintStream err = terminal.err();
        format.write(samples, file, true);
        err.println("nova: " + format.wrote(samples, file));
        if (eachDir.isPresent()) {
            err.println("nova: " + format.writeEach(samples, eachDir.get()));
        }
    }

    /** Streams text samples to standard output as they come (when {@code prompt} is not null); notices to error. */
    private static final class TextStream implements GenerationListener {
        private final Terminal terminal;
        private final String prompt;
        private final boolean escape;
        private boolean streamed;
        private int current = -1;
        volatile boolean closed;

        TextStream(Terminal terminal, String prompt, boolean escape) {
            this.terminal = terminal;
            this.prompt = prompt;
            this.escape = escape;
        }

        private void print(String s) {
            terminal.out().print(escape ? Terminal.escapeControls(s) : s);
        }

        /** Flushes, and stops generation (through the plugin) when the reader has closed the pipe. */
        private void flush() {
            if (terminal.out().checkError()) {
                closed = true;
                throw new OutputClosedException();
            }
        }

        @Override
        public void onText(int i, String text) {
            if (prompt == null) {
                return;
            }
            if (i != current) {
                if (current >= 0) {
                    terminal.out().print("\n\n");
                }
                current = i;
                print(prompt);
            }
            streamed = true;
            print(text);
            flush();
        }

        @Override
        public void onNotice(String message) {
            terminal.err().println("nova: notice: " + message.replaceAll("\\s*\\R\\s*", " "));
        }

        /** Ends the output; a plugin that streamed nothing has its samples printed whole. */
        void finish(List<Sample> samples) {
            if (!streamed) {
                for (int i = 0; i < samples.size(); i++) {
                    print((i > 0 ? "\n\n" : "") + ((Sample.Text) samples.get(i)).text());
                }
            }
            terminal.out().println();
            flush();
        }
    }
}

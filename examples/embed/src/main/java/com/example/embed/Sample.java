package com.example.embed;

import dev.nova.host.embed.NovaModel;
import java.nio.file.Path;

/** Opens a trained Nova run and prints a sample streamed as it is generated. */
public final class Sample {

    private Sample() {
    }

    /**
     * Prints a sample of a run.
     *
     * @param args the run folder, then optionally the prompt
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: Sample RUN_DIR [PROMPT]");
            System.exit(2);
        }
        String prompt = args.length > 1 ? args[1] : "And God said";
        try (NovaModel model = NovaModel.open(Path.of(args[0]))) {
            System.err.println(model.plugin().id() + " " + model.plugin().version() + ", trained " + model.step()
                    + " steps");
            System.out.print(prompt);
            model.text(prompt, 200, 42, (sample, chunk) -> System.out.print(chunk));
            System.out.println();
        } catch (IllegalArgumentException e) {
            System.err.println("embed: " + e.getMessage());
            System.exit(2);
        }
    }
}

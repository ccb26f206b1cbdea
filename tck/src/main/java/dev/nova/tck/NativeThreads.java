package dev.nova.tck;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.TrainingRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Rule 3.7: a model trained in a JVM of its own whose native threads are fixed by {@code OMP_NUM_THREADS} (ND4J's
 * and OpenBLAS's thread pools read it once, when they start, so a JVM cannot vary it for itself).
 */
final class NativeThreads {

    /** Printed by the child JVM before the losses it trained to. */
    private static final String MARK = "nova-tck-native-threads-losses=";
    /** The child's exit status when it cannot construct the provider. */
    private static final int UNCONSTRUCTIBLE = 4;

    /**
     * What the child JVM trained to.
     *
     * @param losses the step losses, when it trained
     * @param failure what went wrong instead
     * @param unconstructible whether that was constructing the provider: it is not a service of its module and has
     *     no public constructor without arguments (a build's test fixture)
     */
    record Result(List<Double> losses, Optional<String> failure, boolean unconstructible) {
    }

    private NativeThreads() {
    }

    /**
     * Trains a fresh model of the provider's plugin in a JVM of its own with {@code OMP_NUM_THREADS = threads}.
     *
     * @param provider a provider of the plugin under test
     * @param config the plugin's configuration (the kit's, as the rule's own models have it)
     * @param seed the model's seed
     * @param steps how many steps
     * @param folder a new folder for the child's files (its work directory among them)
     * @param base the base directory relative paths of the configuration resolve against
     * @param threads the native threads
     * @return the losses, or what went wrong; empty when the provider's class cannot be loaded in another JVM (it is
     *     neither in a module with a location on disk nor on a class path)
     */
    static Optional<Result> train(GeneratorProvider provider, Config config, long seed, long steps, Path folder,
                                  Path base, int threads) {
        Optional<List<String>> jvm = ColdStart.jvm(provider, NativeThreads.class);
        if (jvm.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path work = Files.createDirectories(folder.resolve("work"));
            Path conf = Files.writeString(folder.resolve("model.conf"), config.root()
                    .render(ConfigRenderOptions.concise()), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(jvm.get());
            lines.add(ConfigurationVariant.unwrap(provider).getClass().getName());
            lines.add(quote(conf.toString()));
            lines.add(Long.toString(seed));
            lines.add(Long.toString(steps));
            lines.add(quote(work.toString()));
            lines.add(quote(base.toString()));
            Path args = Files.write(folder.resolve("java.args"), lines, StandardCharsets.UTF_8);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder b = new ProcessBuilder(java.toString(), "@" + args).redirectErrorStream(true)
                    .redirectOutput(folder.resolve("output.txt").toFile());
            b.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            Process p = b.start();
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(new Result(List.of(), Optional.of("it did not finish within 240 s"), false));
            }
            String text = Files.readString(folder.resolve("output.txt"), StandardCharsets.UTF_8);
            int at = text.lastIndexOf(MARK);
            if (p.exitValue() == 0 && at >= 0) {
                String line = text.substring(at + MARK.length()).lines().findFirst().orElse("").strip();
                List<Double> losses = line.isEmpty() ? List.of()
                        : Arrays.stream(line.split(" ")).map(Double::valueOf).toList();
                return Optional.of(new Result(losses, Optional.empty(), false));
            }
            String last = text.strip().lines().reduce((x, y) -> y).orElse("");
            return Optional.of(new Result(List.of(), Optional.of("exit " + p.exitValue() + (last.isEmpty() ? ""
                    : ": " + last)), p.exitValue() == UNCONSTRUCTIBLE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new Result(List.of(), Optional.of("interrupted"), false));
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The child JVM: creates the named provider's model from the configuration file, trains it and prints the losses.
     *
     * @param args the provider's class name, the configuration file, the seed, the steps, the work and base directories
     * @throws Exception if anything fails (the parent reports the last line printed)
     */
    public static void main(String[] args) throws Exception {
        GeneratorProvider provider;
        try {
            provider = ColdStart.provider(args[0]);
        } catch (ReflectiveOperationException | ClassCastException e) {
            System.out.println("cannot construct " + args[0] + ": " + e);
            System.exit(UNCONSTRUCTIBLE);
            return;
        }
        Config config = ConfigFactory.parseFile(Path.of(args[1]).toFile()).resolve();
        List<Double> losses = new ArrayList<>();
        try (GenerativeModel m = provider.create(config, ModelContext.of(Long.parseLong(args[2]), Path.of(args[4]),
                Path.of(args[5])))) {
            m.train(TrainingRequest.of(Long.parseLong(args[3])), e -> losses.add(e.loss()));
        }
        StringBuilder b = new StringBuilder(MARK);
        for (int i = 0; i < losses.size(); i++) {
            b.append(i == 0 ? "" : " ").append(losses.get(i));
        }
        System.out.println(b);
        System.exit(0);
    }
}

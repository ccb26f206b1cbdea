package dev.nova.host.embed;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginInfo;
import dev.nova.api.Sample;
import dev.nova.api.TextTokens;
import dev.nova.host.internal.config.ConfigSource;
import dev.nova.host.internal.di.ModelComponent;
import dev.nova.host.internal.media.SampleFormat;
import dev.nova.host.internal.model.ModelPool;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.PluginFinder;
import dev.nova.host.internal.support.RunFailedException;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.UsageException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A trained Nova model in an application: open a run folder (its latest checkpoint) or a checkpoint file, generate
 * with the options {@code nova generate} takes, evaluate, close. The checkpoint is verified as every load verifies it
 * (each entry against its SHA-256), and the plugin that wrote it is found among the built-in plugins and, when given,
 * a plugin folder's jars.
 *
 * <pre>{@code
 * try (NovaModel model = NovaModel.open(Path.of("runs/text-gru-20261203-101500"))) {
 *     String text = model.text("And God said", 200, 42, (i, chunk) -> System.out.print(chunk));
 * }
 * }</pre>
 *
 * <p>Threads: a model is safe to share. Generations run at once when the plugin says its model is thread-safe
 * ({@link GenerativeModel#isThreadSafe()}: the attention plugin's is), an evaluation alone; otherwise calls are
 * serialised, one at a time. Give each thread a model of its own (open the run again) for parallel generation with
 * a plugin that is not thread-safe.
 *
 * <p>Class path and module path: on the module path, {@code requires dev.nova.host} and put Nova's {@code lib} folder on
 * it (with {@code --add-modules ALL-MODULE-PATH}); on the class path, put the jars of that folder on it. Plugin folders
 * ({@code pluginPath}) are loaded into module layers of their own, which needs the module path; on the class path
 * only the plugins on the class path are found.
 *
 * <p>Errors: a missing or corrupt checkpoint, or a plugin that is not installed, is an
 * {@link IllegalArgumentException} with the one-line message {@code nova} prints; what a plugin refuses is its
 * {@link dev.nova.api.PluginException}.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public final class NovaModel implements AutoCloseable {

    private final ModelPool pool;
    private final PluginInfo plugin;
    private volatile boolean closed;
    // A thread-safe model's one instance serves generations at once (GenerativeModel.isThreadSafe covers generate
    // alone); an evaluation waits for them and runs alone.
    private final java.util.concurrent.locks.ReadWriteLock calls = new java.util.concurrent.locks.ReentrantReadWriteLock();

    private NovaModel(ModelPool pool) {
        this.pool = pool;
        this.plugin = pool.first().info();
    }

    /**
     * Opens a run's latest checkpoint, or a checkpoint file, with the built-in plugins.
     *
     * @param runOrCheckpoint a run folder or a checkpoint file
     * @return the model, ready to generate
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static NovaModel open(Path runOrCheckpoint) {
        return open(runOrCheckpoint, null);
    }

    /**
     * Opens a run's latest checkpoint, or a checkpoint file, with the built-in plugins and those of a plugin folder.
     *
     * @param runOrCheckpoint a run folder or a checkpoint file
     * @param pluginPath a folder of plugin jars, or {@code null}
     * @return the model, ready to generate
     * @throws IllegalArgumentException naming the file, plugin or folder and what is wrong
     */
    public static NovaModel open(Path runOrCheckpoint, Path pluginPath) {
        Objects.requireNonNull(runOrCheckpoint, "runOrCheckpoint");
        // Warnings (a plugin jar that is not the one a checkpoint was written with) go to standard error; nothing to
        // standard output, which is the application's.
        Terminal terminal = new Terminal(new PrintStream(OutputStream.nullOutputStream()), System.err);
        try {
            ModelComponent c = ModelComponent.factory().create(Invocation.read(runOrCheckpoint,
                    Optional.ofNullable(pluginPath)), terminal, ConfigSource.hocon(), PluginFinder.modules());
            // One instance: calls share it at once when the plugin's model is thread-safe, one at a time otherwise.
            return new NovaModel(ModelPool.open(c.modelLoader()::open, 1, Integer.MAX_VALUE));
        } catch (UsageException e) {
            throw new IllegalArgumentException(forApplications(e.getMessage()), e);
        } catch (RunFailedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The launcher's message with its advice in this API's terms: an application has no {@code --plugin-path} option
     * and no {@code nova plugins} command, but the {@code pluginPath} argument.
     */
    static String forApplications(String message) {
        return message.replace("with --plugin-path DIR", "as the pluginPath of NovaModel.open(runOrCheckpoint, pluginPath)")
                .replace("--plugin-path DIR", "the pluginPath of NovaModel.open(runOrCheckpoint, pluginPath)")
                .replace(" (see 'nova plugins')", "");
    }

    /** The plugin that wrote the model: id, version, modality. */
    public PluginInfo plugin() {
        return plugin;
    }

    /** The optimisation steps the model was trained for. */
    public long step() {
        return pool.first().model().step();
    }

    /**
     * Generates samples, as {@code nova generate} does with the same count, seed and options.
     *
     * @param request count, seed, options ({@link GenerationRequest#PROMPT}, {@link GenerationRequest#LENGTH},
     *     temperature, top-k, top-p, the plugin's own) and a listener that receives text as it is produced
     * @return the samples
     * @throws dev.nova.api.PluginException if the plugin refuses an option (naming it) or fails
     * @throws IllegalStateException after {@link #close}
     */
    public List<Sample> generate(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        calls.readLock().lock();
        try (ModelPool.Lease lease = lease()) {
            return lease.model().generate(request);
        } finally {
            calls.readLock().unlock();
        }
    }

    private ModelPool.Lease lease() {
        ModelPool.Lease lease = closed ? null : pool.lease(Long.MAX_VALUE);
        if (lease == null || closed) {
            if (lease != null) {
                lease.close();
            }
            throw new IllegalStateException("the model of " + plugin.id() + " is closed");
        }
        return lease;
    }

    /**
     * One text sample (text models).
     *
     * @param prompt the text it starts with (empty for none)
     * @param length tokens to generate after the prompt: characters for a {@code chars} model, subword tokens for
     *     {@code bpe} and {@code gpt2} ones ({@link #textTokens()})
     * @param seed the sampling seed: the same seed gives the same text
     * @param listener receives the text as it is produced ({@link GenerationListener#NONE} for none)
     * @return the sample, prompt included
     * @throws IllegalStateException when the plugin's models make images or sounds, or after {@link #close}
     */
    public String text(String prompt, int length, long seed, GenerationListener listener) {
        SampleFormat format = SampleFormat.of(plugin.modality());
        if (!format.streams()) {
            // Said before the plugin is asked: it would refuse the text options by their names instead.
            throw new IllegalStateException("plugin '" + plugin.id() + "' makes " + format.plural() + ", not text: use"
                    + " generate");
        }
        Map<String, Object> options = prompt.isEmpty() ? Map.of(GenerationRequest.LENGTH, length)
                : Map.of(GenerationRequest.PROMPT, prompt, GenerationRequest.LENGTH, length);
        Sample s = generate(new GenerationRequest(1, seed, options, listener)).get(0);
        if (s instanceof Sample.Text t) {
            return t.text();
        }
        throw new IllegalStateException("plugin '" + plugin.id() + "' is a " + plugin.modality() + " model: use generate");
    }

    /**
     * How the model's text becomes tokens and back, for a text model that says so (every text plugin on Nova's kit):
     * the tokens {@code length} counts, what {@code nova tokenize --run} prints. Safe to use from any thread, also
     * while the model generates.
     *
     * @return the model's tokens, or empty when the plugin does not say how its text becomes tokens (or makes images
     *     or sounds)
     * @throws IllegalStateException after {@link #close}
     * @since 1.4
     */
    public Optional<TextTokens> textTokens() {
        if (closed) {
            throw new IllegalStateException("the model of " + plugin.id() + " is closed");
        }
        // Not leased: TextTokens is safe for concurrent use (its contract), so it never waits for a generation. The
        // host's guarded view: a plugin's failure is its PluginException, whatever it threw.
        return pool.first().model().textTokens();
    }

    /**
     * The model's held-out metrics, as {@code nova evaluate} prints them.
     *
     * @param request the data (default: the run's held-out split) and options
     * @return the metrics by name
     */
    public Map<String, Double> evaluate(EvaluationRequest request) {
        calls.writeLock().lock();
        try (ModelPool.Lease lease = lease()) {
            return lease.model().evaluate(request);
        } finally {
            calls.writeLock().unlock();
        }
    }

    /** Releases the model's native memory and its work folder; the model is unusable afterwards. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            // Calls in flight finish first.
            pool.closeWhenIdle();
        }
    }
}

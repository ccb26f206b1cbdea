package dev.nova.host.internal.support;

import dev.nova.api.PluginException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Calls into a plugin with its class loader as the thread's context loader (DL4J's reflection needs it in
 * child layers), turning anything but the documented {@link PluginException} (any {@link Throwable}: an
 * {@code AssertionError}, a {@code StackOverflowError}, running out of memory) into one that names the plugin
 * and what the host asked of it.
 *
 * <p>Calls that the SPI requires to be cheap ({@code info}, {@code validate}, constructing the provider) run
 * {@linkplain #bounded bounded in time} on a daemon thread, so a plugin that loops forever is named and left
 * behind instead of hanging the launcher.
 */
public final class PluginCalls {

    /** How long a call that must be cheap may take. */
    public static final Duration CHEAP = Duration.ofSeconds(
            Long.getLong("nova.plugin-call-timeout-seconds", 10));

    private PluginCalls() {
    }

    /**
     * Runs {@code body} on behalf of a plugin, on this thread.
     *
     * @param pluginId the plugin
     * @param pluginClass any class of the plugin (its loader becomes the context loader)
     * @param what what the host asked for, for messages ("create", "train"...)
     * @param body the call
     * @param <T> the result type
     * @return the body's result
     * @throws PluginException from the plugin, or wrapping an undocumented exception or error
     */
    public static <T> T call(String pluginId, Class<?> pluginClass, String what, Supplier<T> body) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(pluginClass.getClassLoader());
        try {
            return body.get();
        } catch (Throwable e) {
            throw contain(pluginId, what, e);
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /**
     * Runs a call that must be cheap on a daemon thread and waits at most {@code timeout} for it.
     *
     * @param pluginId the plugin, or a description when its id is not known yet ("provider com.x.P")
     * @param pluginClass any class of the plugin
     * @param what what the host asked for
     * @param timeout how long to wait
     * @param body the call
     * @param <T> the result type
     * @return the body's result
     * @throws PluginException on any failure, or when the call did not return in time
     */
    public static <T> T bounded(String pluginId, Class<?> pluginClass, String what, Duration timeout, Supplier<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(call(pluginId, pluginClass, what, body));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "nova-plugin-" + what);
        worker.setDaemon(true);
        worker.start();
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            throw new PluginException(pluginId, what + " did not return within " + timeout.toSeconds()
                    + " s; it must be cheap (see GeneratorProvider's Javadoc)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PluginException p ? p : contain(pluginId, what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException(pluginId, what + " was interrupted");
        }
    }

    /** Turns anything a plugin threw into a {@link PluginException} naming the plugin, with one line of detail. */
    static PluginException contain(String pluginId, String what, Throwable e) {
        if (e instanceof PluginException p) {
            return p;
        }
        String detail;
        if (e instanceof OutOfMemoryError) {
            detail = what + " ran out of memory (" + e.getMessage() + "); give the JVM more, for example"
                    + " NOVA_JAVA_OPTS=-Xmx8g";
        } else if (e instanceof StackOverflowError) {
            detail = what + " failed with a StackOverflowError (unbounded recursion in the plugin)";
        } else if (root(e) instanceof UnsatisfiedLinkError link) {
            // ND4J's native library: an ExceptionInInitializerError whose message says nothing useful
            String m = String.valueOf(link.getMessage());
            detail = what + " failed: a native library could not be loaded (" + m.substring(m.lastIndexOf('/') + 1) + ")"
                    + (m.contains("failed to map segment") || m.contains("cannot allocate memory")
                            ? "; the limit on the process's virtual memory (ulimit -v) is too low for it" : "");
        } else {
            Throwable root = root(e);
            detail = what + " failed with undocumented " + e.getClass().getName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + (root == e ? "" : " (caused by " + root.getClass().getName()
                            + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")");
        }
        return new PluginException(pluginId, detail.replaceAll("\\s*\\R\\s*", " "), e);
    }

    private static Throwable root(Throwable e) {
        Throwable r = e;
        for (int depth = 0; r.getCause() != null && r.getCause() != r && depth < 32; depth++) {
            r = r.getCause();
        }
        return r;
    }
}

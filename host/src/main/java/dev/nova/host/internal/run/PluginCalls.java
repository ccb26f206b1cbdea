package dev.nova.host.internal.run;

import dev.nova.api.PluginException;
import java.util.function.Supplier;

/**
 * Calls into a plugin with its class loader as the thread's context loader (DL4J's reflection needs it in
 * child layers), turning anything but the documented {@link PluginException} into one that names the plugin.
 */
public final class PluginCalls {

    private PluginCalls() {
    }

    /**
     * Runs {@code body} on behalf of a plugin.
     *
     * @param pluginId the plugin
     * @param pluginClass any class of the plugin (its loader becomes the context loader)
     * @param what what the host asked for, for messages ("create", "train"...)
     * @param body the call
     * @param <T> the result type
     * @return the body's result
     * @throws PluginException from the plugin, or wrapping an undocumented exception
     */
    public static <T> T call(String pluginId, Class<?> pluginClass, String what, Supplier<T> body) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(pluginClass.getClassLoader());
        try {
            return body.get();
        } catch (PluginException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
                throw e;
            }
            throw new PluginException(pluginId, what + " failed with undocumented " + e.getClass().getName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } finally {
            t.setContextClassLoader(previous);
        }
    }
}

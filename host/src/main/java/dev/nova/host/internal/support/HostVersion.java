package dev.nova.host.internal.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.jar.Manifest;

/** The launcher's version and the ND4J backend it runs with, read without loading ND4J. */
public final class HostVersion {

    private HostVersion() {
    }

    /**
     * Nova's version, from the build.
     *
     * @return the version, or {@code unknown}
     */
    public static String version() {
        try (InputStream in = HostVersion.class.getResourceAsStream("/dev/nova/host/internal/cli/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The ND4J backend of the shared runtime module, as its jar manifest records it
     * ({@code nd4j-native 1.0.0-M2.1 linux-x86_64-onednn}).
     *
     * @return the backend, or {@code unknown} when the runtime is not on the module path
     */
    public static String backend() {
        ModuleLayer layer = HostVersion.class.getModule().getLayer();
        return (layer != null ? layer : ModuleLayer.boot()).findModule("dev.nova.runtime").map(m -> {
            try (InputStream in = m.getResourceAsStream("META-INF/MANIFEST.MF")) {
                if (in == null) {
                    return "unknown";
                }
                String v = new Manifest(in).getMainAttributes().getValue("Nova-ND4J-Backend");
                return v == null ? "unknown" : v;
            } catch (IOException e) {
                return "unknown";
            }
        }).orElse("unknown");
    }
}

package dev.nova.formats.resources;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.CodeSource;
import java.util.Enumeration;
import org.apiguardian.api.API;

/**
 * A resource at the root of the module or jar that holds a class, such as its {@code reference.conf}: read through the
 * module when it is named (a plugin in a child layer is read through its own class loader); on the class path, the one
 * in the class's own jar or folder, not the first of the class path's. The host and the kit read every
 * {@code reference.conf} this way.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class OwnResource {

    private OwnResource() {
    }

    /**
     * Opens a resource at the root of a class's own module or jar.
     *
     * @param anchor a class of the module or jar
     * @param name the resource's name, at the root ({@code reference.conf})
     * @return the stream, or {@code null} when there is none
     * @throws IOException if it cannot be opened
     */
    public static InputStream open(Class<?> anchor, String name) throws IOException {
        Module module = anchor.getModule();
        if (module.isNamed()) {
            return module.getResourceAsStream(name);
        }
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        ClassLoader loader = anchor.getClassLoader() != null ? anchor.getClassLoader() : ClassLoader.getSystemClassLoader();
        if (source == null || source.getLocation() == null) {
            return loader.getResourceAsStream(name);
        }
        String base = source.getLocation().toExternalForm();
        Enumeration<URL> urls = loader.getResources(name);
        while (urls.hasMoreElements()) {
            URL u = urls.nextElement();
            String s = u.toExternalForm();
            if (s.equals("jar:" + base + "!/" + name) || s.equals(base + name)) {
                return u.openStream();
            }
        }
        return null;
    }
}

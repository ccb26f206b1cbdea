package dev.nova.host.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Where configuration text comes from: run files and {@code reference.conf} resources. Every parse of a file a
 * command reads goes through one of these, so that a command can be held to parsing each file once (the host's
 * tests count them through a wrapper).
 */
public interface ConfigSource {

    /**
     * Parses a run file, bounded (see {@link SafeParse#file}).
     *
     * @param file the run file
     * @return the parsed, unresolved config
     */
    Config runFile(Path file);

    /**
     * Parses the {@code reference.conf} at the root of the module (or, on the class path, the jar) that holds a class
     * ({@link #ownReference}).
     *
     * @param anchor a class of the module or jar
     * @param description how to name it in messages and origins
     * @return the parsed config, empty when there is none
     */
    Config reference(Class<?> anchor, String description);

    /**
     * Opens the {@code reference.conf} at the root of the module or jar that holds a class: through the module when it
     * is named (a plugin in a child layer is read through its own class loader); on the class path, the one in the
     * class's own jar or folder, not the first of the class path's.
     *
     * @param anchor a class of the module or jar
     * @return the stream, or {@code null} when there is none
     * @throws IOException if it cannot be opened
     */
    static InputStream ownReference(Class<?> anchor) throws IOException {
        Module module = anchor.getModule();
        if (module.isNamed()) {
            return module.getResourceAsStream("reference.conf");
        }
        java.security.CodeSource source = anchor.getProtectionDomain().getCodeSource();
        ClassLoader loader = anchor.getClassLoader() != null ? anchor.getClassLoader() : ClassLoader.getSystemClassLoader();
        if (source == null || source.getLocation() == null) {
            return loader.getResourceAsStream("reference.conf");
        }
        String base = source.getLocation().toExternalForm();
        java.util.Enumeration<java.net.URL> urls = loader.getResources("reference.conf");
        while (urls.hasMoreElements()) {
            java.net.URL u = urls.nextElement();
            String s = u.toExternalForm();
            if (s.equals("jar:" + base + "!/reference.conf") || s.equals(base + "reference.conf")) {
                return u.openStream();
            }
        }
        return null;
    }


    /**
     * The files themselves, as HOCON.
     *
     * @return the source
     */
    static ConfigSource hocon() {
        return new ConfigSource() {
            @Override
            public Config runFile(Path file) {
                return SafeParse.file(file, "run file");
            }

            @Override
            public Config reference(Class<?> anchor, String description) {
                try (InputStream in = ConfigSource.ownReference(anchor)) {
                    if (in == null) {
                        return ConfigFactory.empty();
                    }
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    ConfigParseOptions options = ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                            .setOriginDescription(description);
                    return RealNumbers.mark(ConfigFactory.parseString(text, options), text, options);
                } catch (IOException e) {
                    throw new UsageException("cannot read " + description + ": " + e.getMessage());
                } catch (ConfigException e) {
                    throw new ConfigErrors(List.of(ConfigLoader.oneLine(e)));
                }
            }
        };
    }
}

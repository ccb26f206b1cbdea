package dev.nova.host.internal.config;

import dev.nova.formats.resources.OwnResource;
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
     * ({@link OwnResource}).
     *
     * @param anchor a class of the module or jar
     * @param description how to name it in messages and origins
     * @return the parsed config, empty when there is none
     */
    Config reference(Class<?> anchor, String description);

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
                try (InputStream in = OwnResource.open(anchor, "reference.conf")) {
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

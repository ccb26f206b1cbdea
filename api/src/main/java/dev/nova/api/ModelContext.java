package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.nio.file.Path;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What the host hands a model when it creates or restores it.
 *
 * <p>An interface so that it can grow; hosts and tests build one with {@link #of}.
 *
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GeneratorProvider} is handed it, and it has not
 * changed since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public interface ModelContext {

    /**
     * The run's seed; a model built twice from the same config and seed must train identically.
     *
     * @return the seed
     */
    long seed();

    /**
     * A directory the model may write scratch files into; it must write nowhere else.
     *
     * @return an existing, writable directory
     */
    Path workDirectory();

    /**
     * The directory that relative paths in the config are resolved against (the run file's directory or the
     * working directory).
     *
     * @return an existing directory
     */
    Path baseDirectory();

    /**
     * Resolves a path from the config against {@link #baseDirectory()}.
     *
     * @param configured a path as written in the config
     * @return the absolute path, not normalised: a {@code ..} after a symbolic link is left to the file system, which
     *     resolves it as a shell does ({@code linked/../corpus.txt} is the {@code corpus.txt} beside the link's
     *     target, not beside the link)
     */
    default Path resolve(String configured) {
        return baseDirectory().resolve(configured).toAbsolutePath();
    }

    /**
     * Creates a context.
     *
     * @param seed the seed
     * @param workDirectory where the model may write
     * @param baseDirectory what relative config paths are resolved against
     * @return the context
     */
    static ModelContext of(long seed, Path workDirectory, Path baseDirectory) {
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        record Simple(long seed, Path workDirectory, Path baseDirectory) implements ModelContext { }
        return new Simple(seed, workDirectory, baseDirectory);
    }
}

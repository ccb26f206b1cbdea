package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.nn.ParamSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * A model's network and its {@link TrainingCore}, built on first use: the field a {@link TrainingCore.Deferred} model
 * keeps them in. A new or fully restored model builds them at its first step or save, as before; one restored only
 * to generate keeps the payload's values ({@link #restoredForGeneration}) and builds them from those only if asked for
 * more than samples. Thread-safe: concurrent requests build at most once.
 *
 * <pre>{@code
 * private final DeferredNetwork<Net> net = new DeferredNetwork<>(this::build, Net::training);
 * public TrainingCore training() { return net.get().training(); }
 * public long step() { return net.step(); }
 * public void restoredForGeneration(TrainingState.Values read) { net.restoredForGeneration(read); snapshot = ...; }
 * }</pre>
 *
 * @param <N> what holds the network and its core
 * @since 1.5
 */
@API(status = EXPERIMENTAL, since = "1.5")
public final class DeferredNetwork<N> {

    private final Supplier<N> build;
    private final Function<N, TrainingCore> core;
    private N built;
    private TrainingState.Values pending;

    /**
     * Defers a network.
     *
     * @param build builds the network and its core (drawing initial values, unless built to take read values)
     * @param core the core of what {@code build} returns
     */
    public DeferredNetwork(Supplier<N> build, Function<N, TrainingCore> core) {
        this.build = build;
        this.core = core;
    }

    /**
     * The network and core, built now if not yet (from the values a restore for generation read, if it did).
     *
     * @return what {@code build} returned
     */
    public synchronized N get() {
        if (built == null) {
            if (pending == null) {
                built = build.get();
            } else {
                N n;
                try {
                    n = ParamSet.withoutInitialValues(build::get);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);       // build reads nothing
                }
                core.apply(n).restoreForGeneration(pending);
                built = n;
                pending = null;
            }
        }
        return built;
    }

    /**
     * Keeps what a restore for generation only read, until the network is built (if ever).
     *
     * @param read the seed, step and values
     * @throws IllegalStateException if the network was built already
     */
    public synchronized void restoredForGeneration(TrainingState.Values read) {
        if (built != null) {
            throw new IllegalStateException("the network was built already");
        }
        pending = read;
    }

    /**
     * The steps done: the restored step while nothing is built, else the core's.
     *
     * @return the step
     */
    public synchronized long step() {
        return built == null && pending != null ? pending.state().step() : core.apply(get()).step();
    }
}

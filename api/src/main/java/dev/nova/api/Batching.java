package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Several generation requests generated together ({@link GenerativeModel#batching()}): a server adds the requests it
 * has to one {@link Batch}, and each {@link Batch#step() step} advances every sequence in it by one token, one forward
 * pass for all of them, as llama.cpp's server and vLLM batch. Requests join and leave between steps.
 *
 * <p>Batching changes when work happens, never what is generated: a request's samples, and everything its listener
 * receives (for each sample, in order), are those {@link GenerativeModel#generate} gives for the same request on the
 * same model state, whatever else is in the batch and whenever the request joined. Only the interleaving of different
 * samples' calls to the listener may differ (they advance together).
 *
 * @since 1.5
 */
@API(status = EXPERIMENTAL, since = "1.5")
public interface Batching {

    /**
     * Opens an empty batch over the model's current parameters.
     *
     * @return the batch; one thread drives it (adds, steps, closes)
     */
    Batch open();

    /**
     * Requests generated together. One thread calls {@link #add}, {@link #step} and {@link #close}; {@link
     * Entry#cancel()} may come from any thread.
     */
    interface Batch extends AutoCloseable {

        /**
         * Adds a request: each of its samples is a sequence of this batch from the next step on. Its options are
         * checked here, as {@code generate} checks them.
         *
         * @param request the request
         * @return its entry
         * @throws InvalidOptionException if an option is not valid (nothing is added)
         * @throws PluginException if the model cannot generate it (nothing is added)
         */
        Entry add(GenerationRequest request);

        /**
         * Advances every sequence one token (a prompt's token fed, or a token generated and given to its listener);
         * an entry whose last sample ends is {@linkplain Entry#isDone() done} when this returns. An exception thrown
         * by a request's listener ends that request alone (its {@link Entry#failure()}); one the model throws ends
         * every entry with it, and is thrown from here.
         *
         * @return the sequences still active after this step
         */
        int step();

        /**
         * The sequences active now.
         *
         * @return how many
         */
        int active();

        /** Ends every entry not done (each failing with a {@link PluginException} that says so) and releases the batch's memory. */
        @Override
        void close();
    }

    /** A request in a batch. */
    interface Entry {

        /**
         * Tells whether the request ended: its samples complete, or a failure.
         *
         * @return true once ended
         */
        boolean isDone();

        /**
         * The samples, as {@code generate} returns them.
         *
         * @return the samples once done without a failure, otherwise empty
         */
        List<Sample> samples();

        /**
         * Why the request ended early: its listener's exception, the model's, or a {@link PluginException} saying it
         * was cancelled.
         *
         * @return the failure, or null
         */
        RuntimeException failure();

        /**
         * Ends the request before the next step (its sequences leave the batch at once, freeing their memory); safe
         * from any thread, and without effect once done.
         */
        void cancel();
    }
}

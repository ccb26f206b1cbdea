package dev.nova.tck.selftest;

import dev.nova.api.Modality;

/**
 * The text fixture whose batch is cut by the native thread count, as a provider a JVM of its own can construct (a
 * public class with a public constructor without arguments): rule 3.7 trains it in one.
 */
public final class NativeThreadSlicesProvider extends FixtureProvider {
    /** Creates the provider. */
    public NativeThreadSlicesProvider() {
        super(Modality.TEXT, Flaw.NATIVE_THREAD_SLICES_DROP_REMAINDER);
    }
}

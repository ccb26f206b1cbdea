/**
 * The Nova compatibility kit: the rules of {@code SPEC.md} as JUnit 5 tests.
 *
 * <p>A plugin's build certifies its provider by extending {@link dev.nova.tck.GeneratorVerification};
 * {@code nova tck} runs the same class against any discovered plugin.
 */
module dev.nova.tck {
    requires transitive dev.nova.api;
    requires transitive org.junit.jupiter.api;

    exports dev.nova.tck;
    // JUnit instantiates and reflects on the verification classes.
    opens dev.nova.tck to org.junit.platform.commons;
}

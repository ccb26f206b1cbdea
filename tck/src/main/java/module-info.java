/**
 * The Nova compatibility kit: the rules of {@code SPEC.md} as JUnit 5 tests.
 *
 * <p>A plugin's build certifies its provider by extending {@link dev.nova.tck.GeneratorVerification};
 * {@code nova tck} runs the same rules against any discovered plugin through {@link dev.nova.tck.Conformance}.
 */
module dev.nova.tck {
    requires transitive dev.nova.api;
    requires transitive org.junit.jupiter.api;
    // Conformance runs the kit through the JUnit Platform and writes JUnit XML reports.
    requires org.junit.platform.launcher;
    requires org.junit.platform.reporting;
    // Rule 6.4 sees the files the code under test writes through Flight Recorder's file-write events.
    requires jdk.jfr;

    exports dev.nova.tck;
    // nova tck gives each rule a new instance of the plugin's provider, as a plugin's own test class does.
    uses dev.nova.api.GeneratorProvider;
    // JUnit instantiates and reflects on the verification classes.
    opens dev.nova.tck to org.junit.platform.commons;
}

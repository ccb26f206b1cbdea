/**
 * The Nova compatibility kit: the rules of {@code SPEC.md} as JUnit 5 tests.
 *
 * <p>A plugin's build certifies its provider by extending {@link dev.nova.tck.GeneratorVerification};
 * {@code nova tck} runs the same rules against any discovered plugin through {@code dev.nova.tck.internal.Conformance},
 * which only the host reads.
 */
module dev.nova.tck {
    requires transitive dev.nova.api;
    requires transitive org.junit.jupiter.api;
    // Conformance runs the kit through the JUnit Platform and writes JUnit XML reports.
    requires org.junit.platform.launcher;
    requires org.junit.platform.reporting;
    // tck-report.json (nova tck only: the launcher has jackson-jr; a plugin's build does not need it).
    requires static com.fasterxml.jackson.jr.ob;
    // Rule 6.4 sees the files the code under test writes through Flight Recorder's file-write events.
    requires jdk.jfr;
    // Rule 1.5 times the provider in CPU time of the constructing thread (ThreadMXBean).
    requires java.management;

    exports dev.nova.tck;
    // nova tck's entry (and the perturbation sweep): for the launcher, not for plugins.
    exports dev.nova.tck.internal to dev.nova.host;
    // nova tck gives each rule a new instance of the plugin's provider, as a plugin's own test class does.
    uses dev.nova.api.GeneratorProvider;
    // JUnit instantiates and reflects on the verification classes.
    opens dev.nova.tck to org.junit.platform.commons;
    opens dev.nova.tck.internal to org.junit.platform.commons;
}

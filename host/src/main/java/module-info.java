/**
 * The {@code nova} launcher: command line, plugin discovery and layers, configuration, Dagger graph, run loop
 * and checkpoints. It knows plugins only through {@code dev.nova.api}. It exports the entry points of a cluster
 * launcher (nova-spark), which calls them from outside the host's module layer, and the records of their protocol.
 */
module dev.nova.host {
    requires dev.nova.api;
    // WAV prompts and samples, and each module's own reference.conf, read as the kit reads them.
    requires dev.nova.formats;
    requires typesafe.config;
    requires commons.math3;
    // The launcher's libraries: optional, so that an application embedding a model (dev.nova.host.embed) runs without
    // them; the launcher resolves them (--add-modules ALL-MODULE-PATH), and the code that uses them is the launcher's.
    requires static info.picocli;
    requires dagger;
    requires jakarta.inject;
    // PNG writing for image samples, and the loss chart (JFreeChart).
    requires java.desktop;
    requires jdk.management;
    requires static org.jfree.jfreechart;
    // nova serve: the JDK's HTTP server, and JSON for its requests and responses.
    requires jdk.httpserver;
    requires static com.fasterxml.jackson.jr.ob;
    requires static com.fasterxml.jackson.core;
    // nova tck: the conformance kit's entry for the launcher (the launcher resolves it; an embedding application
    // does not get the kit or the JUnit Platform).
    requires static dev.nova.tck;
    // @Generated on Dagger's generated code.
    requires static java.compiler;
    // Stability markers (@API) on the exported cluster entry; not needed at run time.
    requires static org.apiguardian.api;

    // picocli reflects on the command classes.
    opens dev.nova.host.internal.cli to info.picocli;

    // The embedding API: a trained model in an application (JDK and dev.nova.api types only).
    exports dev.nova.host.embed;
    exports dev.nova.host.cluster;
    exports dev.nova.host.cluster.protocol;

    uses dev.nova.api.GeneratorProvider;
}

package dev.nova.host;

import dev.nova.host.internal.cli.Cli;

/** The {@code nova} launcher's entry point. */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command line and exits with its code: 0 success, 1 runtime failure, 2 usage or config error.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Charts and PNGs are drawn off screen; never try to reach a display.
        System.setProperty("java.awt.headless", "true");
        // ND4J announces its backend at INFO on every start; users see warnings only, however the JVM was started
        // (the nova script sets the same default, NOVA_LOG_LEVEL overrides it).
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(Cli.run(args));
    }
}

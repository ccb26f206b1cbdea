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
        System.exit(Cli.run(args));
    }
}

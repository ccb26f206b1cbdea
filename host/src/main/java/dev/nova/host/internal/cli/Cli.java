package dev.nova.host.internal.cli;

import dev.nova.api.InvalidConfigException;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import dev.nova.host.internal.support.OutputClosedException;
import dev.nova.host.internal.support.RunFailedException;
import dev.nova.host.internal.support.UsageException;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.run.ClusterEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/** Runs the {@code nova} command line and maps failures to one-line messages and exit codes. */
public final class Cli {

    /** Success. */
    public static final int OK = 0;
    /** A runtime failure (a plugin failed, I/O failed). */
    public static final int FAILURE = 1;
    /** A usage or configuration error. */
    public static final int USAGE = 2;
    /** {@code nova tck}: no MUST rule failed, but some were not exercised (the plugin did not declare their facts). */
    public static final int NOT_EXERCISED = 3;

    private Cli() {
    }

    /**
     * Runs the command line with the process's standard streams.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        return run(Terminal.system(), args);
    }

    /**
     * Runs the command line.
     *
     * @param terminal where to write
     * @param args the arguments
     * @return the exit code
     */
    public static int run(Terminal terminal, String... args) {
        return run(terminal, Optional.empty(), args);
    }

    /**
     * Runs the command line, inside a cluster launcher when an engine is given.
     *
     * @param terminal where to write
     * @param engine the data-parallel engine of a cluster launcher (nova-spark), if any
     * @param args the arguments
     * @return the exit code
     */
    public static int run(Terminal given, Optional<ClusterEngine> engine, String... args) {
        Terminal terminal = given.stoppingWhenClosed();
        boolean debug = Arrays.asList(args).contains("--debug");
        try {
            return execute(terminal, engine, debug, args);
        } catch (OutputClosedException closed) {
            // The reader of standard output went away (| head): stop quietly, as Unix tools do.
            return OutputClosedException.EXIT_CODE;
        } catch (Throwable t) {
            // Nothing escapes as a stack trace: an Error from anywhere (a plugin's, the JVM's, one while starting
            // up under a hostile limit) is one line too.
            if (debug) {
                t.printStackTrace(terminal.err());
            }
            terminal.err().println("nova: error: " + t.getClass().getSimpleName() + ": " + oneLine(t.getMessage())
                    + Limits.hint(t) + (debug ? "" : " (run with --debug for details)"));
            return FAILURE;
        }
    }

    private static int execute(Terminal terminal, Optional<ClusterEngine> engine, boolean debug, String... args) {
        CommandLine cl = new CommandLine(new NovaCommand(terminal, engine));
        String command = commandName(args);
        List<Class<?>> named = NovaCommand.SUBCOMMANDS.stream().filter(c -> names(c).contains(command)).toList();
        // The help command describes the others, so it comes with all of them.
        (named.isEmpty() || named.contains(CommandLine.HelpCommand.class) ? NovaCommand.SUBCOMMANDS : named)
                .forEach(cl::addSubcommand);
        cl.setOut(new java.io.PrintWriter(terminal.out(), true));
        cl.setErr(new java.io.PrintWriter(terminal.err(), true));
        cl.setParameterExceptionHandler((ex, a) -> {
            terminal.err().println("nova: " + oneLine(ex.getMessage()));
            terminal.err().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (debug) {
                ex.printStackTrace(terminal.err());
            }
            if (ex instanceof OutputClosedException) {
                return OutputClosedException.EXIT_CODE;
            }
            if (ex instanceof dev.nova.host.internal.config.ConfigErrors errors && errors.problems().size() > 1) {
                // Every problem on its own line, each naming its origin and key.
                terminal.err().println("nova: " + errors.problems().size() + " configuration problems:");
                errors.problems().forEach(p -> terminal.err().println("nova:   " + oneLine(p)));
                return USAGE;
            }
            if (ex instanceof UsageException) {
                terminal.err().println("nova: " + oneLine(ex.getMessage()));
                return USAGE;
            }
            if (ex instanceof InvalidOptionException || ex instanceof InvalidConfigException) {
                // A value the user gave that the plugin refused: a usage error, like the host's own checks.
                terminal.err().println("nova: " + oneLine(ex.getMessage()));
                return USAGE;
            }
            String message = ex instanceof PluginException || ex instanceof java.io.UncheckedIOException
                    || ex instanceof RunFailedException ? ex.getMessage() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
            // A run's own failure without a cause (divergence) has no stack trace worth showing.
            boolean details = !debug && !(ex instanceof RunFailedException && ex.getCause() == null);
            terminal.err().println("nova: error: " + oneLine(message) + Limits.hint(ex)
                    + (details ? " (run with --debug for details)" : ""));
            return FAILURE;
        });
        int code = cl.execute(args);
        terminal.out().flush();
        return code;
    }

    /** The first argument that is not one of the root command's options (all of which are flags), or "". */
    private static String commandName(String... args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
    }

    private static List<String> names(Class<?> command) {
        CommandLine.Command annotation = command.getAnnotation(CommandLine.Command.class);
        List<String> names = new ArrayList<>(List.of(annotation.aliases()));
        names.add(annotation.name());
        return names;
    }

    /**
     * A message as one line: line breaks (a path with a newline in it, a plugin's multi-line message) become spaces
     * and other control characters are shown escaped, so that an error is always one line and never drives the
     * terminal.
     */
    static String oneLine(String message) {
        return Terminal.escapeControls(String.valueOf(message).replaceAll("\\s*\\R\\s*", " "));
    }
}

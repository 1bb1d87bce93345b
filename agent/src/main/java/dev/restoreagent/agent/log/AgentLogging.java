package dev.restoreagent.agent.log;

import java.io.PrintStream;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sets up the log: the daemon's ({@link #install}) every logger's records at INFO and above, on stderr,
 * one line each; a command's run by hand ({@link #installForCommand}) its warnings and errors only, as
 * {@code restore-agent: warning: ...} lines.
 */
public final class AgentLogging {
    private AgentLogging() {
    }

    /**
     * Replaces the root logger's handlers with one writing {@code format} to {@code stream}.
     *
     * @param journal whether the lines go to the journal and carry their syslog priority
     */
    public static void install(LogFormat format, boolean journal, Supplier<PrintStream> stream) {
        replaceHandlers(new LineFormatter(format, journal), Level.INFO, stream);
        Logger.getLogger("").setLevel(Level.INFO);
    }

    /**
     * Replaces the root logger's handlers with one writing warnings and errors to {@code stream} as a
     * command's lines. The loggers' levels stay: only the handler filters.
     */
    public static void installForCommand(Supplier<PrintStream> stream) {
        replaceHandlers(new CommandLineFormatter(), Level.WARNING, stream);
    }

    private static void replaceHandlers(Formatter formatter, Level level, Supplier<PrintStream> stream) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        StderrHandler handler = new StderrHandler(stream);
        handler.setFormatter(formatter);
        handler.setLevel(level);
        root.addHandler(handler);
    }
}

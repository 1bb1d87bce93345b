package dev.restoreagent.agent.log;

import java.io.PrintStream;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Sets up the daemon's log: every logger's records at INFO and above, on stderr, one line each. */
public final class AgentLogging {
    private AgentLogging() {
    }

    /**
     * Replaces the root logger's handlers with one writing {@code format} to {@code stream}.
     *
     * @param journal whether the lines go to the journal and carry their syslog priority
     */
    public static void install(LogFormat format, boolean journal, Supplier<PrintStream> stream) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        StderrHandler handler = new StderrHandler(stream);
        handler.setFormatter(new LineFormatter(format, journal));
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }
}

package dev.restoreagent.agent.log;

import java.io.PrintStream;
import java.util.function.Supplier;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Writes each record whole and flushed at once, so a line logged just before the process ends is
 * not left in a buffer. Writes to whatever stream {@code stream} gives at that moment (stderr,
 * which tests may swap). Thread-safe.
 */
final class StderrHandler extends Handler {
    private final Supplier<PrintStream> stream;

    StderrHandler(Supplier<PrintStream> stream) {
        this.stream = stream;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        PrintStream out = stream.get();
        out.print(line);
        out.flush();
    }

    @Override
    public void flush() {
        stream.get().flush();
    }

    @Override
    public void close() {
        // stderr is not ours to close
        flush();
    }
}

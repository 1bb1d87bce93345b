package dev.restoreagent.agent.log;

import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A log record as a command run by hand prints it, like its other lines: {@code restore-agent: warning: ...}
 * ({@code error:} for SEVERE), every line of a multi-line message prefixed, the cause's message after a
 * colon and no stack trace (that is the daemon's log's business, at debug level). Thread-safe.
 */
final class CommandLineFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        String prefix = "restore-agent: " + (record.getLevel().intValue() >= Level.SEVERE.intValue() ? "error"
                : record.getLevel().intValue() >= Level.WARNING.intValue() ? "warning" : "note") + ": ";
        String message = formatMessage(record);
        if (record.getThrown() != null && record.getThrown().getMessage() != null
                && !message.contains(record.getThrown().getMessage())) {
            message += ": " + record.getThrown().getMessage();
        }
        StringBuilder lines = new StringBuilder(message.length() + 32);
        message.lines().forEach(line -> lines.append(prefix).append(line).append('\n'));
        return lines.toString();
    }
}

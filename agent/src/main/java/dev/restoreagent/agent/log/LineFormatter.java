package dev.restoreagent.agent.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One log record as the daemon writes it: {@code LEVEL message} or one JSON object, each line
 * prefixed with its syslog priority ({@code <3>}) when stderr goes to the journal, which reads the
 * prefix as the entry's priority (sd-daemon(3)). A stack trace, when the record has one, follows
 * the message (plain) or is its {@code exception} field (JSON). Thread-safe.
 */
final class LineFormatter extends Formatter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How the agent's messages name a job: {@code job <uuid>}. */
    private static final Pattern JOB = Pattern.compile("\\bjob ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}"
            + "-[0-9a-f]{12})\\b");

    private final LogFormat format;
    private final boolean journal;

    /** @param journal whether to prefix each line with its syslog priority */
    LineFormatter(LogFormat format, boolean journal) {
        this.format = format;
        this.journal = journal;
    }

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        String text = format == LogFormat.JSON ? json(record, message) : plain(record, message);
        if (!journal) {
            return text;
        }
        // every line of a stack trace too, else journald gives those its default priority
        String prefix = "<" + LogLevels.priority(record.getLevel()) + ">";
        StringBuilder prefixed = new StringBuilder(text.length() + 8);
        text.lines().forEach(line -> prefixed.append(prefix).append(line).append('\n'));
        return prefixed.toString();
    }

    private static String plain(LogRecord record, String message) {
        String trace = record.getThrown() == null ? "" : "\n" + stackTrace(record.getThrown()).stripTrailing();
        return record.getLevel().getLocalizedName() + " " + message + trace + "\n";
    }

    private static String json(LogRecord record, String message) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", record.getInstant().toString());
        line.put("level", LogLevels.syslogName(record.getLevel()));
        line.put("logger", record.getLoggerName());
        line.put("message", message);
        Matcher job = JOB.matcher(message);
        if (job.find()) {
            line.put("job", job.group(1));
        }
        if (record.getThrown() != null) {
            line.put("exception", stackTrace(record.getThrown()));
        }
        try {
            return JSON.writeValueAsString(line) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a log line as JSON", e);
        }
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}

package dev.restoreagent.agent.log;

/** How the daemon writes its log lines on stderr ({@code serve --log-format}). */
public enum LogFormat {
    /** {@code LEVEL message}, one line per event: for journald and people. */
    PLAIN,
    /** One JSON object per line (time, level, logger, message, job): for log shippers. */
    JSON
}

package dev.restoreagent.agent.log;

import java.util.logging.Level;

/**
 * The agent's levels beyond java.util.logging's, and how every level maps to a syslog priority
 * (sd-daemon(3), RFC 5424): SEVERE is err (3), WARNING warning (4), {@link #NOTICE} notice (5), INFO
 * and CONFIG info (6), anything finer debug (7).
 */
public final class LogLevels extends Level {
    private static final long serialVersionUID = 1L;

    /** Normal but worth a look, such as a cancelled restore: between INFO and WARNING. */
    public static final Level NOTICE = new LogLevels("NOTICE", 850);

    private LogLevels(String name, int value) {
        super(name, value);
    }

    /** The syslog priority of {@code level}. */
    public static int priority(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return 3;
        }
        if (value >= Level.WARNING.intValue()) {
            return 4;
        }
        if (value >= NOTICE.intValue()) {
            return 5;
        }
        if (value >= Level.CONFIG.intValue()) {
            return 6;
        }
        return 7;
    }

    /** The syslog name of {@code level}'s priority: error, warning, notice, info or debug. */
    public static String syslogName(Level level) {
        return switch (priority(level)) {
            case 3 -> "error";
            case 4 -> "warning";
            case 5 -> "notice";
            case 6 -> "info";
            default -> "debug";
        };
    }
}

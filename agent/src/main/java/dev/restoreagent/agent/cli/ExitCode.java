package dev.restoreagent.agent.cli;

import dev.restoreagent.api.FailureKind;

/** What {@code restore-agent} exits with; scripts branch on these. */
public final class ExitCode {
    public static final int OK = 0;
    /** Wrong command line (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** The backup or stream is malformed, missing, unsupported or unreadable. */
    public static final int BAD_INPUT = 3;
    /** Data failed verification: md5 or length mismatch, corrupt or truncated compressed data. */
    public static final int VERIFICATION = 4;
    /** The target is unusable, too small, or a write to it failed. */
    public static final int TARGET = 5;
    /** The daemon cannot be reached on its socket (EX_UNAVAILABLE). */
    public static final int UNAVAILABLE = 69;
    /** The daemon refused this caller (EX_NOPERM). */
    public static final int NO_PERMISSION = 77;
    /** {@code serve} cannot start: another agent holds its state directory or socket (EX_OSERR). */
    public static final int CANNOT_START = 71;
    /** Internal error: a bug (EX_SOFTWARE). */
    public static final int INTERNAL = 70;
    /** Cancelled, e.g. by Ctrl-C (128 + SIGINT). */
    public static final int CANCELLED = 130;

    private ExitCode() {
    }

    public static int of(FailureKind kind) {
        return switch (kind) {
            case BAD_INPUT -> BAD_INPUT;
            case VERIFICATION -> VERIFICATION;
            case TARGET -> TARGET;
            case CANCELLED -> CANCELLED;
            case INTERNAL -> INTERNAL;
            case USAGE -> USAGE;
        };
    }
}

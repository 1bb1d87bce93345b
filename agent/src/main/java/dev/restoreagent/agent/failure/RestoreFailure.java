package dev.restoreagent.agent.failure;

/**
 * A restore did not finish. The {@link Kind} tells operators and scripts what to look at; the
 * message is one sentence naming what is wrong and where (object, offset, expected and actual),
 * on one line: control characters in it, which can only come from names in the input, are escaped
 * ({@link OneLine}).
 */
public class RestoreFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarsely: each kind has its own exit code. */
    public enum Kind {
        /** The backup or stream is malformed, missing, unsupported, or cannot be read. */
        BAD_INPUT,
        /** Data did not verify: md5 or length mismatch, corrupt or truncated compressed data. */
        VERIFICATION,
        /** The target is missing, too small, of the wrong kind, or failed a write or flush. */
        TARGET,
        /** Someone asked the restore to stop. */
        CANCELLED,
        /** A bug or an unexpected runtime failure. */
        INTERNAL,
        /** The request makes no sense as given (a usage error: options that do not go together). */
        USAGE
    }

    private final Kind kind;

    public RestoreFailure(Kind kind, String message) {
        super(OneLine.escape(message));
        this.kind = kind;
    }

    public RestoreFailure(Kind kind, String message, Throwable cause) {
        super(OneLine.escape(message), cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static RestoreFailure badInput(String message) {
        return new RestoreFailure(Kind.BAD_INPUT, message);
    }

    public static RestoreFailure badInput(String message, Throwable cause) {
        return new RestoreFailure(Kind.BAD_INPUT, message, cause);
    }

    public static RestoreFailure verification(String message) {
        return new RestoreFailure(Kind.VERIFICATION, message);
    }

    public static RestoreFailure verification(String message, Throwable cause) {
        return new RestoreFailure(Kind.VERIFICATION, message, cause);
    }

    /**
     * A failure nobody foresaw, as one sentence: the exception's class and message, nothing more.
     * Where it came from is for the debug log, which gets the cause.
     */
    public static RestoreFailure internal(Throwable cause) {
        String what = cause instanceof OutOfMemoryError ? "out of heap memory" : cause.getClass().getSimpleName();
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage().lines().findFirst().orElse("");
        return new RestoreFailure(Kind.INTERNAL, "internal error (" + what + message + ")", cause);
    }

    public static RestoreFailure target(String message, Throwable cause) {
        return new RestoreFailure(Kind.TARGET, message, cause);
    }
}

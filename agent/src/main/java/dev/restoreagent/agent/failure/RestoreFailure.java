package dev.restoreagent.agent.failure;

import dev.restoreagent.api.FailureKind;

/**
 * A restore did not finish. The {@link FailureKind} tells operators and scripts what to look at; the
 * message is one sentence naming what is wrong and where (object, offset, expected and actual),
 * on one line: control characters in it, which can only come from names in the input, are escaped
 * ({@link OneLine}).
 */
public class RestoreFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;

    public RestoreFailure(FailureKind kind, String message) {
        super(OneLine.escape(message));
        this.kind = kind;
    }

    public RestoreFailure(FailureKind kind, String message, Throwable cause) {
        super(OneLine.escape(message), cause);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }

    public static RestoreFailure badInput(String message) {
        return new RestoreFailure(FailureKind.BAD_INPUT, message);
    }

    public static RestoreFailure badInput(String message, Throwable cause) {
        return new RestoreFailure(FailureKind.BAD_INPUT, message, cause);
    }

    public static RestoreFailure verification(String message) {
        return new RestoreFailure(FailureKind.VERIFICATION, message);
    }

    public static RestoreFailure verification(String message, Throwable cause) {
        return new RestoreFailure(FailureKind.VERIFICATION, message, cause);
    }

    /**
     * A failure nobody foresaw, as one sentence: the exception's class and message, nothing more.
     * Where it came from is for the debug log, which gets the cause.
     */
    public static RestoreFailure internal(Throwable cause) {
        String what = cause instanceof OutOfMemoryError ? "out of heap memory" : cause.getClass().getSimpleName();
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage().lines().findFirst().orElse("");
        return new RestoreFailure(FailureKind.INTERNAL, "internal error (" + what + message + ")", cause);
    }

    public static RestoreFailure target(String message, Throwable cause) {
        return new RestoreFailure(FailureKind.TARGET, message, cause);
    }
}

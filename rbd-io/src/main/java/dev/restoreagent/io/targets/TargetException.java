package dev.restoreagent.io.targets;

import java.io.IOException;

/** The target cannot take this restore: wrong kind, too small, not creatable, locked. */
public class TargetException extends IOException {
    private static final long serialVersionUID = 1L;

    public TargetException(String message) {
        super(message);
    }

    public TargetException(String message, Throwable cause) {
        super(message, cause);
    }
}

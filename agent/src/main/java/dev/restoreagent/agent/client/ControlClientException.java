package dev.restoreagent.agent.client;

import java.io.IOException;

/**
 * The daemon answered a call with an error status (4xx or 5xx). The message is the daemon's own
 * ({@code "error"} in its answer), meant to be shown as it is.
 */
public final class ControlClientException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String field;

    public ControlClientException(int status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /** The HTTP status, e.g. 404. */
    public int status() {
        return status;
    }

    /** The request field a 400 answer is about, e.g. {@code backup_root}; null if none. */
    public String field() {
        return field;
    }
}

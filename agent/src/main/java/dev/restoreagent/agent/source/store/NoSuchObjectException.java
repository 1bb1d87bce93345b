package dev.restoreagent.agent.source.store;

import java.io.IOException;

/** An object a backup needs is not in its container (a missing file, an HTTP 404). */
public final class NoSuchObjectException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoSuchObjectException(String message) {
        super(message);
    }
}

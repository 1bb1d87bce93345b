package dev.restoreagent.agent.source.store;

import java.io.IOException;

/** An object store refused a request for a reason repeating it cannot change: 401/403, 412, 400. */
public final class ObjectStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.restoreagent.agent.daemon;

import io.netty.handler.codec.http.HttpResponseStatus;

/** An answer other than success: its status and one clear sentence, maybe naming the field at fault. */
final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String field;

    ApiError(HttpResponseStatus status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    ApiError(HttpResponseStatus status, String message) {
        this(status, message, null);
    }

    HttpResponseStatus status() {
        return status;
    }

    String field() {
        return field;
    }
}

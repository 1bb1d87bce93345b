package dev.restoreagent.agent.client;

import java.io.IOException;

/**
 * No answer came from the daemon: its socket is missing or refuses connections, or the
 * connection broke or timed out before an answer. The message names the socket and the reason.
 */
public final class AgentUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    AgentUnreachableException(String socket, String reason, Throwable cause) {
        super("cannot reach restore-agent at " + socket + ": " + reason, cause);
    }
}

package dev.restoreagent.agent.daemon;

import java.io.IOException;

/**
 * The daemon cannot start because of its surroundings, not its configuration: another agent
 * holds its state directory or answers on its socket, or the metrics port is taken. One sentence,
 * for the operator.
 */
public final class AgentStartException extends IOException {
    private static final long serialVersionUID = 1L;

    AgentStartException(String message) {
        super(message);
    }
}

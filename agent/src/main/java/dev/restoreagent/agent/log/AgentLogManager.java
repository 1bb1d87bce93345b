package dev.restoreagent.agent.log;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, minus the reset at JVM exit. The stock manager's own shutdown hook
 * resets it, removing every handler, while the agent's hook is still stopping the daemon, so what
 * that logs ({@code restore-agent stopped}) was lost. Here {@link #reset()} does nothing: the handlers
 * stay to the end and lose nothing, since {@link StderrHandler} flushes every record.
 *
 * <p>Used when {@link #PROPERTY} names this class before anything touches java.util.logging;
 * {@code AgentMain} sets it first thing.
 */
public final class AgentLogManager extends LogManager {
    /** The system property that picks java.util.logging's manager class. */
    public static final String PROPERTY = "java.util.logging.manager";

    public AgentLogManager() {
        // LogManager's constructor is protected; the JDK instantiates this one by reflection
    }

    /** Does nothing: the agent configures its handlers once and keeps them until the process ends. */
    @Override
    public void reset() {
        // deliberately empty: see the class comment
    }
}

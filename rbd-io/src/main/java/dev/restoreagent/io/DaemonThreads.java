package dev.restoreagent.io;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the data path and the agent are daemon threads with a name that says what they do,
 * so a stuck one shows in a thread dump, and none keeps the JVM alive past its shutdown.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A factory of daemon threads all named {@code name}. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}

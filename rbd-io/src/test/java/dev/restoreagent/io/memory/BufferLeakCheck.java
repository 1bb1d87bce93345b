package dev.restoreagent.io.memory;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * The leak alarm's verdict in tests: after each test class, a GC, a moment for the alarms to run,
 * and a failure naming every buffer collected without being released since the last check (where
 * it was taken). Registered for every test class of the modules that have rbd-io's test jar
 * (META-INF/services, with JUnit's extension autodetection on in the root POM); the surefire runs
 * set {@link DirectBufferPool#DEBUG_PROPERTY}, which arms the alarm.
 */
public final class BufferLeakCheck implements AfterAllCallback {
    /** Pools of tests that leak on purpose, to see the alarm ring, have names that start with this. */
    public static final String EXPECTED_LEAK_POOL = "expected-leak";
    /** How long the Cleaner gets to run the alarms of what the GC found. */
    private static final long ALARM_MILLIS = 20;
    private static final int GC_ROUNDS = 5;
    private static int checked;

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        // a loan dropped just now may need more than one collection to be found, then the Cleaner's turn
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(ALARM_MILLIS);
        }
        List<String> unseen;
        synchronized (BufferLeakCheck.class) {
            List<String> all = DirectBufferPool.leaks();
            unseen = all.subList(checked, all.size());
            checked = all.size();
        }
        List<String> leaks = unseen.stream()
                .filter(leak -> !leak.startsWith("LEAK: a buffer of pool " + EXPECTED_LEAK_POOL)).toList();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer(s) leaked (found after " + context.getDisplayName()
                    + "; taken where the trace says):\n" + String.join("\n", leaks));
        }
    }
}

package dev.restoreagent.agent.daemon;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The running total behind {@code restore_agent_restored_bytes_total}: the bytes of every restore
 * that has finished, plus the bytes done so far by those still listed and not yet finished, so the
 * counter moves while restores run. Never goes down. Thread-safe.
 */
final class RestoredBytes {
    private final Set<String> finished = new HashSet<>();
    private long finishedBytes;
    private long reported;

    /** Counts {@code doneBytes} of job {@code id} for good; a second call for the same job is ignored. */
    synchronized void finished(String id, long doneBytes) {
        if (finished.add(id)) {
            finishedBytes += doneBytes;
        }
    }

    /**
     * The total now.
     *
     * @param listed bytes done by each job listed now that has started, by job id
     */
    synchronized long total(Map<String, Long> listed) {
        // a finished job stops being listed when it expires; from then on only finishedBytes holds it
        finished.retainAll(listed.keySet());
        long running = listed.entrySet().stream().filter(e -> !finished.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        // each job's progress only grows and moves into finishedBytes under this lock, so this is a
        // guard: a counter that went down would read as a restart of the agent
        reported = Math.max(reported, finishedBytes + running);
        return reported;
    }
}

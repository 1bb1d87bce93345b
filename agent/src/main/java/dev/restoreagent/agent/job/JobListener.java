package dev.restoreagent.agent.job;

import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.api.Checkpoint;

/**
 * What a {@link JobRunner} tells about a job's life: the daemon journals and logs it, the one-shot
 * CLI prints it. Called on the runner's thread, except {@link #checkpointed} (the restore's
 * watchdog thread); implementations must not throw.
 */
public interface JobListener {
    /** The source is found and valid: what its data is checked against, and what to know before it starts. */
    default void sourceResolved(RestoreJob job, RestoreSource source) {
    }

    /** The target is open; {@code settings} are the cluster client's settings in effect, or empty. */
    default void targetOpened(RestoreJob job, String settings) {
    }

    /** The restore got its memory and runs. */
    default void started(RestoreJob job) {
    }

    /**
     * Everything before {@code reached} is written and flushed. The job shows the checkpoint only
     * once the listener has called {@link RestoreJob#checkpointed} (after journaling it, say).
     */
    default void checkpointed(RestoreJob job, Checkpoint reached) {
        job.checkpointed(reached);
    }

    /** The job has ended and settled (or was stopped for shutdown, and stays unfinished). */
    void ended(RestoreJob job);
}

package dev.restoreagent.api;

/** Where a restore job is: waiting for memory, running, or finished one way or another. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}

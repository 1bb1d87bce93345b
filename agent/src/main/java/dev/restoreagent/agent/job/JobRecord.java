package dev.restoreagent.agent.job;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.RestoreRequest;

import dev.restoreagent.api.Checkpoint;

import java.time.Instant;

/**
 * What the journal keeps of a job, enough to list it after a restart and to run it again if it
 * had not finished.
 *
 * @param errorKind the {@code FailureKind} name, or null
 * @param checkpoint how far the restore is durably done, or null before its first checkpoint
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobRecord(String id, RestoreRequest request, JobState state, String source, Instant createdAt,
                        Instant startedAt, Instant finishedAt, String error, String errorKind,
                        Checkpoint checkpoint) {
}

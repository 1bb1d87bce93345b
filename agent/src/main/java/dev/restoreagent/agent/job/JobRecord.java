package dev.restoreagent.agent.job;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * What the journal keeps of a job, enough to list it after a restart and to run it again if it
 * had not finished.
 *
 * @param errorKind the {@code RestoreFailure.Kind} name, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobRecord(String id, RestoreRequest request, JobState state, String source, Instant createdAt,
                        Instant startedAt, Instant finishedAt, String error, String errorKind) {
}

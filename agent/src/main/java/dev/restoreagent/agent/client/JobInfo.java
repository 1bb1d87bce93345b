package dev.restoreagent.agent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.restoreagent.agent.job.JobState;
import dev.restoreagent.agent.restore.RestoreFailure;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * A restore job as the daemon reports it ({@code GET /v1/restores/{id}}), for printing. Fields the
 * daemon may add later are ignored; the echoed request is left out.
 *
 * @param queuePosition 1 for the next job to start; null unless {@link JobState#QUEUED}
 * @param bytesTotal null while unknown
 * @param etaSeconds null while unknown
 * @param error one sentence, or null
 * @param errorKind why a job failed, or null
 * @param createdAt ISO-8601, as the daemon wrote it; {@code startedAt} and {@code finishedAt} may be null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobInfo(String id, JobState state, Integer queuePosition, String source, String target, long bytesDone,
                      Long bytesTotal, long bytesWritten, long bytesZeroed, long bytesSkippedZero,
                      double rateBytesPerSecond, Long etaSeconds, String error, RestoreFailure.Kind errorKind,
                      String createdAt, String startedAt, String finishedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IOException if {@code job} is not a job's JSON */
    public static JobInfo of(JsonNode job) throws IOException {
        try {
            return JSON.treeToValue(job, JobInfo.class);
        } catch (JsonProcessingException e) {
            throw new IOException("the daemon's answer is not a job: " + e.getOriginalMessage(), e);
        }
    }

    public boolean isFinished() {
        return state.isFinished();
    }

    /** Percent of the bytes done, when the total is known. */
    public OptionalInt percentDone() {
        return bytesTotal == null || bytesTotal <= 0 ? OptionalInt.empty()
                : OptionalInt.of((int) Math.min(100, bytesDone * 100 / bytesTotal));
    }
}

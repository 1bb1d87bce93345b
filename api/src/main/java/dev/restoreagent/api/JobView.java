package dev.restoreagent.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * A restore job as the API shows it ({@code GET /v1/restores/{id}}, the {@code Job} schema of
 * {@code docs/openapi.yaml}): the daemon writes it, the client commands read it, and the one-shot
 * CLI renders its own job's progress from it. Unknown fields are ignored on reading, so an older
 * client reads a newer daemon's answers.
 *
 * @param queuePosition 1 for the next job to get memory; null unless {@link JobState#QUEUED} in the budget's queue
 * @param source the source described for people; null until it is found
 * @param bytesTotal null while unknown
 * @param etaSeconds null while unknown or once finished
 * @param error one sentence, or null
 * @param targetNote what became of a failed job's target (its incomplete mark), or null
 * @param createdAt ISO-8601; {@code startedAt}, {@code admittedAt} and {@code finishedAt} may be null
 * @param admissionNumber the order the budget admitted jobs in; null before this one was admitted
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobView(String id, JobState state, Integer queuePosition, String source, String target, long bytesDone,
                      Long bytesTotal, long bytesWritten, long bytesZeroed, long bytesSkippedZero,
                      long rateBytesPerSecond, Long etaSeconds, String error, FailureKind errorKind,
                      String targetNote, String createdAt, String startedAt, String admittedAt,
                      Long admissionNumber, String finishedAt, Checkpoint checkpoint, Checkpoint resumedFrom,
                      RestoreRequest request) {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** @throws IOException if {@code json} is not a job's JSON */
    public static JobView parse(JsonNode json) throws IOException {
        try {
            JobView view = MAPPER.treeToValue(json, JobView.class);
            if (view == null || view.id() == null || view.state() == null) {
                throw new IOException("the daemon's answer is not a job: it has no id or state");
            }
            return view;
        } catch (JsonProcessingException e) {
            throw new IOException("the daemon's answer is not a job: " + e.getOriginalMessage(), e);
        }
    }

    /** The JSON the API answers with, on one line. */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JobView is always JSON", e);
        }
    }

    @JsonIgnore
    public boolean isFinished() {
        return state.isFinished();
    }

    /** Percent of the bytes done, when the total is known. */
    public OptionalInt percentDone() {
        return bytesTotal == null || bytesTotal <= 0 ? OptionalInt.empty()
                : OptionalInt.of((int) Math.min(100, bytesDone * 100 / bytesTotal));
    }
}

package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.SourceObject;

import java.io.IOException;

/**
 * Decodes one object's compressed bytes into pooled buffers. An instance belongs to one decode
 * worker and is reused for its objects; it is not thread-safe.
 *
 * <p>Corrupt or truncated data is a {@link FailureKind#VERIFICATION} failure naming the
 * object and the compressed offset; a failed read of the source is a {@link SourceReadException}.
 */
interface Decoder extends AutoCloseable {
    void decode(SourceObject object, CompressedInput in, ObjectOutput out)
            throws IOException, InterruptedException, RestoreFailure;

    /** Frees native decoder memory. */
    @Override
    void close();
}

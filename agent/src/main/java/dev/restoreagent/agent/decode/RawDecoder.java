package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.SourceObject;

import java.io.IOException;

/** Uncompressed objects: read from the source straight into the pooled buffers, no copy. */
final class RawDecoder implements Decoder {
    @Override
    public void decode(SourceObject object, CompressedInput in, ObjectOutput out)
            throws IOException, InterruptedException, RestoreFailure {
        while (in.readInto(out.space()) >= 0) {
            // readInto fills the space; space() hands out the next buffer when it is full
        }
    }

    @Override
    public void close() {
    }
}

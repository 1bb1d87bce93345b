package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.restore.RestoreFailure;
import dev.restoreagent.io.memory.DirectBuffer;

import java.io.IOException;

/** Where filled buffers go: the restore's committer. */
@FunctionalInterface
public interface BufferSink {
    /**
     * Takes a buffer of decoded bytes (position to limit) that belong at {@code offsetBytes} of the
     * target. Ownership of {@code buffer} transfers to the sink, also when this throws.
     */
    void accept(long offsetBytes, DirectBuffer buffer) throws IOException, InterruptedException, RestoreFailure;
}

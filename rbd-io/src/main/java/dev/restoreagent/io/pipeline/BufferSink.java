package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.memory.DirectBuffer;

import java.io.IOException;

/** Where the decode side hands its filled buffers: a {@link LayerWriter}, or a test's stand-in. */
@FunctionalInterface
public interface BufferSink {
    /**
     * Takes a buffer of decoded bytes (position to limit) that belong at {@code offsetBytes} of the
     * target. Ownership of {@code buffer} transfers to the sink, also when this throws.
     *
     * @throws LayerStoppedException if the layer stopped after an earlier failure: nothing is written
     * @throws IOException the first failure of the target's writes, or a range past its end
     */
    void accept(long offsetBytes, DirectBuffer buffer) throws IOException;
}

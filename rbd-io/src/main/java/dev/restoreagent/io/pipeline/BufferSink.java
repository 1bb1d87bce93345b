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

    /**
     * Takes {@code lengthBytes} of zeros at {@code offsetBytes} without a buffer, when the sink would skip
     * them anyway (a base layer onto a target that reads as zeros); returns false when they must be handed
     * over as buffers instead.
     *
     * @throws LayerStoppedException if the layer stopped after an earlier failure
     * @throws IOException the first failure of the target's writes, or a range past its end
     */
    default boolean skipZeros(long offsetBytes, long lengthBytes) throws IOException {
        return false;
    }
}

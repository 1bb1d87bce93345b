package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;

import java.nio.ByteBuffer;

/**
 * Checks an object's decoded bytes as they pass, in order, on the {@link DigestStage}'s thread:
 * before each buffer reaches the sink, so a check that fails inside a buffer keeps that buffer
 * from being written.
 */
interface Verifier {
    /** Takes the next decoded bytes (position to limit; not consumed). */
    void update(ByteBuffer data) throws RestoreFailure;

    /** All bytes were given: checks what only the end can tell. */
    void finish() throws RestoreFailure;
}

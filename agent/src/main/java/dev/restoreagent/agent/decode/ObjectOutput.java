package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.BufferSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoded side of one object: fills pooled buffers and hands each full one, through the
 * worker's {@link DigestStage} (which checks it), to the sink at the object's offset plus the
 * bytes before it.
 *
 * <p>Length is checked before a buffer leaves: a buffer that would take the object past its
 * recorded length is never written. A sha256 block is checked before its buffer is written; the
 * md5 is known only at the end ({@link #finish}), so its mismatch stops the restore before
 * anything after this object is written.
 */
final class ObjectOutput {
    private final DirectBufferPool pool;
    private final SourceObject object;
    private final BufferSink sink;
    private final DigestStage digest;
    private final Verifier verifier;
    private DirectBuffer current;
    private long producedBytes;

    ObjectOutput(DirectBufferPool pool, SourceObject object, BufferSink sink, DigestStage digest, ZeroBlocks zeros)
            throws RestoreFailure {
        this.pool = pool;
        this.object = object;
        this.sink = sink;
        this.digest = digest;
        this.verifier = verifier(object, zeros);
        digest.begin();
    }

    private static Verifier verifier(SourceObject object, ZeroBlocks zeros) throws RestoreFailure {
        List<Verifier> checks = new ArrayList<>(2);
        if (object.blockHashes() != null) {
            checks.add(new Sha256BlockVerifier(object, zeros));
        }
        if (object.md5Hex() != null) {
            checks.add(new Md5Verifier(object));
        }
        return new Verifier() {
            @Override
            public void update(ByteBuffer data) throws RestoreFailure {
                for (Verifier check : checks) {
                    check.update(data);
                }
            }

            @Override
            public void finish() throws RestoreFailure {
                for (Verifier check : checks) {
                    check.finish();
                }
            }
        };
    }

    /** Space for decoded bytes: the current buffer, never full; its position is where to write. */
    ByteBuffer space() throws IOException, InterruptedException, RestoreFailure {
        if (current != null && !current.nio().hasRemaining()) {
            emit();
        }
        if (current == null) {
            current = pool.take();
        }
        return current.nio();
    }

    /**
     * Hands over {@code filled}, a buffer of this output's pool that a read filled up to its position ({@link
     * ReadAhead}), as if decoded into {@link #space()}: this output's from here, also when this throws.
     *
     * @throws IllegalStateException if bytes were decoded into {@link #space()} before: one way per object
     */
    void handFilled(DirectBuffer filled) throws IOException, InterruptedException, RestoreFailure {
        if (current != null) {
            pool.release(filled);
            throw new IllegalStateException("a filled buffer handed to " + object.describe()
                    + " while one was being decoded into");
        }
        current = filled;
        emit();
    }

    /** Bytes decoded so far, those in the current buffer included. */
    long producedBytes() {
        return producedBytes + (current == null ? 0 : current.nio().position());
    }

    /** Hands over the last partial buffer, waits until every buffer has passed the digest, then checks the length and the md5. */
    void finish() throws IOException, InterruptedException, RestoreFailure {
        if (current != null && current.nio().position() > 0) {
            emit();
        }
        abandon();
        digest.drain();
        long expected = object.lengthBytes();
        if (expected >= 0 && producedBytes != expected) {
            throw RestoreFailure.verification(object.describe() + " decodes to " + producedBytes
                    + " bytes, but its recorded length is " + expected);
        }
        verifier.finish();
    }

    /**
     * Gives back a buffer still held: on failure, or an empty last one. The one place this output
     * gives buffers back; the decode worker calls it in its {@code finally}.
     */
    void abandon() {
        DirectBuffer held = current;
        current = null;
        if (held != null) {
            pool.release(held);
        }
    }

    private void emit() throws IOException, InterruptedException, RestoreFailure {
        ByteBuffer data = current.nio().flip();
        long expected = object.lengthBytes();
        if (expected >= 0 && producedBytes + data.remaining() > expected) {
            // still held: abandon() gives it back, unwritten
            String verb = object.codec() == Codec.NONE ? " is longer than" : " inflates past";
            throw RestoreFailure.verification(object.describe() + verb + " its recorded length of "
                    + expected + " bytes");
        }
        DirectBuffer full = current;
        current = null;
        long at = object.offsetBytes() + producedBytes;
        producedBytes += data.remaining();
        // the digest stage's from here, also when it throws
        digest.hand(verifier, sink, at, full);
    }
}

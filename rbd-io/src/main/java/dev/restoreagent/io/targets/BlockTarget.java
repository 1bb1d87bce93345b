package dev.restoreagent.io.targets;

import dev.restoreagent.nativeb.IoCompletion;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a restore writes: a regular file, a block device, an RBD image, or nothing (benchmarks).
 *
 * <p>Writes are asynchronous. The caller keeps ownership of the bytes it passes and must leave
 * them allocated and unmodified until the {@link IoCompletion} fires: targets may hand the memory
 * to the kernel or to librbd without copying. Offsets and lengths need not be aligned to any
 * sector size. The caller checks bounds against {@link #capacityBytes()} before submitting.
 *
 * <p>Thread-safety: submissions come from one thread at a time (the layer's {@code LayerWriter});
 * completions arrive on the target's own threads.
 */
public interface BlockTarget extends AutoCloseable {
    /** A name for messages: the path, or {@code rbd:pool/image}. */
    String name();

    /** Bytes that may be written; {@link Long#MAX_VALUE} for a file that grows as written. */
    long capacityBytes();

    /**
     * True when every byte not yet written by this restore reads as zero (a file or image this
     * restore created, or one the operator vouched for), so all-zero blocks of a base layer can be
     * skipped.
     */
    boolean readsAsZeros();

    /**
     * How long writes may be in flight with none completing before the target counts as dead;
     * the writes' buffers then stay on loan, as the device may still read them.
     */
    default java.time.Duration stallTimeout() {
        return java.time.Duration.ofMinutes(10);
    }

    /** Starts writing {@code data} (position to limit) at {@code offsetBytes}. */
    void write(long offsetBytes, ByteBuffer data, IoCompletion done);

    /**
     * Starts making {@code [offsetBytes, offsetBytes + zeros.remaining())} read as zeros.
     * {@code zeros} holds that many zero bytes, so a target without a cheaper way just writes it;
     * others punch a hole, discard or write-zeroes instead. Same ownership rule as {@link #write}.
     */
    void writeZeros(long offsetBytes, ByteBuffer zeros, IoCompletion done);

    /**
     * Makes a target that grows as written at least {@code bytes} long, so a trailing range that
     * was skipped as zero is part of it. Other targets do nothing. Call only with no write in flight.
     */
    void extendTo(long bytes) throws IOException;

    /**
     * Makes every write completed before the call durable ({@code fdatasync}, {@code rbd_flush});
     * writes still in flight may or may not be included. Blocks. The checkpointer calls it mid-layer,
     * once every write up to its checkpoint has completed; a layer's end calls it with none in flight.
     */
    void flush() throws IOException;

    /**
     * Records durably, before the first write, that this target is being restored and is not yet
     * whole; {@code what} names the source (a backup id, an image file).
     */
    void markIncomplete(String what) throws IOException;

    /** Removes the mark of {@link #markIncomplete}; call only after a successful final {@link #flush}. */
    void clearIncomplete() throws IOException;

    /** The mark left by an earlier restore that did not finish, if any. */
    java.util.Optional<String> incompleteMark() throws IOException;

    /** Where the incomplete mark lives, for messages: an attribute, a file, image metadata. */
    String markLocation();

    /** Releases the target. Idempotent. Call only with no write in flight. */
    @Override
    void close() throws IOException;
}

package dev.restoreagent.agent.verify;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.cinder.Sha256File;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/**
 * Reads a restored target back and checks every block of the volume against the top backup's
 * sha256file: what the volume held when that backup was taken, whole. It would have caught
 * Cinder bug 2155612, where skipped zeros shifted the offsets of what followed.
 *
 * <p>One pooled buffer at a time; its memory is the caller's lease.
 */
public final class TargetVerifier {
    private static final int HASH_BYTES = 32;

    private final Sha256File hashes;
    private final long volumeBytes;
    private final String backupId;

    /** @param volumeBytes the volume's size: where the full backup's data ends */
    public TargetVerifier(Sha256File hashes, long volumeBytes, String backupId) {
        this.hashes = hashes;
        this.volumeBytes = volumeBytes;
        this.backupId = backupId;
    }

    /** What was checked. */
    public record Verified(long blocks, long bytes, long zeroBlocks) {
    }

    /**
     * @throws RestoreFailure VERIFICATION naming the first block that differs (offset, expected and
     *     actual hash), TARGET if the target is smaller than the volume or cannot be read
     */
    public Verified verify(TargetReader target, DirectBufferPool buffers) throws RestoreFailure, InterruptedException {
        return verify(target, buffers, () -> false);
    }

    /** As {@link #verify(TargetReader, DirectBufferPool)}; {@code stopped} is asked before each read. */
    public Verified verify(TargetReader target, DirectBufferPool buffers, BooleanSupplier stopped)
            throws RestoreFailure, InterruptedException {
        int block = hashes.blockBytes();
        try {
            long size = target.sizeBytes();
            if (size < volumeBytes) {
                throw new RestoreFailure(FailureKind.TARGET, "target " + target.name() + " holds " + size
                        + " bytes, less than the " + volumeBytes + " of backup " + backupId);
            }
        } catch (IOException e) {
            throw RestoreFailure.target("cannot read target " + target.name() + ": " + e.getMessage(), e);
        }
        DirectBuffer buffer = buffers.take();
        try {
            // whole blocks per read: a buffer is a multiple of 4 KiB, a block a power of two or not
            int blocksPerRead = Math.max(1, buffer.nio().capacity() / block);
            if ((long) blocksPerRead * block > buffer.nio().capacity()) {
                throw new IllegalArgumentException("the buffer of " + buffer.nio().capacity()
                        + " bytes cannot hold a sha block of " + block);
            }
            MessageDigest sha256 = sha256();
            byte[] zeroHash = null;
            ByteBuffer zeros = ByteBuffer.allocate(block);
            long zeroBlocks = 0;
            long checked = 0;
            for (long first = 0; first < hashes.blocks(); first += blocksPerRead) {
                if (stopped.getAsBoolean()) {
                    throw new RestoreFailure(FailureKind.CANCELLED, "reading target " + target.name()
                            + " back was cancelled");
                }
                int count = (int) Math.min(blocksPerRead, hashes.blocks() - first);
                long offset = first * block;
                int length = (int) Math.min((long) count * block, volumeBytes - offset);
                ByteBuffer data = buffer.nio().clear().limit(length);
                read(target, offset, data);
                data.flip();
                byte[] expected = expected(first, count);
                for (int i = 0; i < count; i++) {
                    int at = i * block;
                    int n = Math.min(block, length - at);
                    ByteBuffer piece = data.slice(at, n);
                    byte[] actual;
                    if (n == block && piece.mismatch(zeros) < 0) {
                        zeroHash = zeroHash != null ? zeroHash : sha256.digest(new byte[block]);
                        actual = zeroHash;
                        zeroBlocks++;
                    } else {
                        sha256.update(piece);
                        actual = sha256.digest();
                    }
                    if (!Arrays.equals(actual, 0, HASH_BYTES, expected, i * HASH_BYTES, (i + 1) * HASH_BYTES)) {
                        throw RestoreFailure.verification("target " + target.name() + " differs from backup "
                                + backupId + " in the block at offset " + (offset + at) + " (" + n
                                + " bytes): sha256 expected "
                                + HexFormat.of().formatHex(expected, i * HASH_BYTES, (i + 1) * HASH_BYTES)
                                + " but was " + HexFormat.of().formatHex(actual) + " (sha256file " + hashes.source() + ")");
                    }
                    checked += n;
                }
            }
            return new Verified(hashes.blocks(), checked, zeroBlocks);
        } finally {
            buffers.release(buffer);
        }
    }

    private static void read(TargetReader target, long offset, ByteBuffer into) throws RestoreFailure {
        try {
            target.read(offset, into);
        } catch (IOException e) {
            throw RestoreFailure.target("cannot read target " + target.name() + " at offset " + offset + ": "
                    + e.getMessage(), e);
        }
    }

    private byte[] expected(long first, int count) throws RestoreFailure {
        try {
            return hashes.hashes(first, count);
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot read the hashes of " + hashes.source() + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

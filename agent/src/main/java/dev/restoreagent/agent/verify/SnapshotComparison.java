package dev.restoreagent.agent.verify;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/**
 * Reads a restored target back beside the snapshot it was restored from, which carries no checksum of
 * its own (Cinder's Ceph driver), and compares them block by block: the first block that differs fails
 * the check, named by its offset and the sha256 of both sides.
 *
 * <p>Two pooled buffers at a time, one per side; their memory is the caller's lease.
 */
public final class SnapshotComparison {
    /** The unit a difference is reported in. */
    static final int BLOCK_BYTES = 1 << 20;

    private SnapshotComparison() {
    }

    /**
     * Compares the first {@code bytes} of {@code target} with {@code source}.
     *
     * @param buffers a pool of at least two buffers of a multiple of {@link #BLOCK_BYTES}, or of one block
     *     at most that size
     * @param stopped asked before each read; true cancels
     * @throws RestoreFailure VERIFICATION naming the first block that differs, TARGET when the target is
     *     smaller or unreadable, BAD_INPUT when the source is unreadable (a snapshot deleted meanwhile)
     */
    public static TargetVerifier.Verified compare(TargetReader source, TargetReader target, long bytes,
                                                  DirectBufferPool buffers, BooleanSupplier stopped)
            throws RestoreFailure, InterruptedException {
        try {
            long size = target.sizeBytes();
            if (size < bytes) {
                throw new RestoreFailure(FailureKind.TARGET, "target " + target.name() + " holds " + size
                        + " bytes, less than the " + bytes + " of " + source.name());
            }
        } catch (IOException e) {
            throw RestoreFailure.target("cannot read target " + target.name() + ": " + e.getMessage(), e);
        }
        DirectBuffer theirs = buffers.take();
        try {
            DirectBuffer ours = buffers.take();
            try {
                return compare(source, target, bytes, theirs.nio(), ours.nio(), stopped);
            } finally {
                buffers.release(ours);
            }
        } finally {
            buffers.release(theirs);
        }
    }

    private static TargetVerifier.Verified compare(TargetReader source, TargetReader target, long bytes,
                                                   ByteBuffer theirs, ByteBuffer ours, BooleanSupplier stopped)
            throws RestoreFailure {
        int step = Math.min(theirs.capacity(), ours.capacity());
        long blocks = 0;
        for (long offset = 0; offset < bytes; offset += step) {
            if (stopped.getAsBoolean()) {
                throw new RestoreFailure(FailureKind.CANCELLED, "reading target " + target.name()
                        + " back was cancelled");
            }
            int length = (int) Math.min(step, bytes - offset);
            ByteBuffer want = theirs.clear().limit(length);
            ByteBuffer got = ours.clear().limit(length);
            try {
                source.read(offset, want);
            } catch (IOException e) {
                throw RestoreFailure.badInput("cannot read " + source.name() + " at offset " + offset + " to compare: "
                        + e.getMessage(), e);
            }
            try {
                target.read(offset, got);
            } catch (IOException e) {
                throw RestoreFailure.target("cannot read target " + target.name() + " at offset " + offset + ": "
                        + e.getMessage(), e);
            }
            want.flip();
            got.flip();
            int at = want.mismatch(got);
            if (at >= 0) {
                int block = at / BLOCK_BYTES * BLOCK_BYTES;
                int n = Math.min(BLOCK_BYTES, length - block);
                throw RestoreFailure.verification("target " + target.name() + " differs from " + source.name()
                        + " in the block at offset " + (offset + block) + " (" + n + " bytes): sha256 expected "
                        + sha256(want.slice(block, n)) + " but was " + sha256(got.slice(block, n)));
            }
            blocks += (length + BLOCK_BYTES - 1) / BLOCK_BYTES;
        }
        return new TargetVerifier.Verified(blocks, bytes, 0);
    }

    private static String sha256(ByteBuffer data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(data);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

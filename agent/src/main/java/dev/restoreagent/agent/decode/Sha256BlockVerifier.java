package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.BlockHashes;
import dev.restoreagent.agent.source.SourceObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The sha256 of each sha block of an object, against its backup's sha256file, checked as soon as
 * the block is complete. A block of zeros is compared with the hash of zeros of its length,
 * computed once, instead of being hashed.
 */
final class Sha256BlockVerifier implements Verifier {
    private static final int HASH_BYTES = 32;

    private final SourceObject object;
    private final BlockHashes hashes;
    private final int blockBytes;
    private final byte[] expected;
    private final MessageDigest sha256 = newSha256();
    private final ZeroBlocks zeros;
    private int block;
    private int inBlock;

    /** @param zeros the worker's cache of zero-block hashes, shared across its objects */
    Sha256BlockVerifier(SourceObject object, ZeroBlocks zeros) throws RestoreFailure {
        this.object = object;
        this.hashes = object.blockHashes();
        this.blockBytes = hashes.blockBytes();
        this.zeros = zeros;
        try {
            this.expected = hashes.expected();
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot read the hashes of " + object.describe() + " from "
                    + hashes.source() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void update(ByteBuffer data) throws RestoreFailure {
        ByteBuffer rest = data.duplicate();
        while (rest.hasRemaining()) {
            if (inBlock == 0 && rest.remaining() >= blockBytes && zeros.isZero(rest, blockBytes)) {
                check(zeros.hash(blockBytes), blockBytes);
                rest.position(rest.position() + blockBytes);
                continue;
            }
            int n = Math.min(rest.remaining(), blockBytes - inBlock);
            sha256.update(rest.slice(rest.position(), n));
            rest.position(rest.position() + n);
            inBlock += n;
            if (inBlock == blockBytes) {
                check(sha256.digest(), blockBytes);
            }
        }
    }

    @Override
    public void finish() throws RestoreFailure {
        if (inBlock > 0) {
            // a short last block: where the volume ends
            check(sha256.digest(), inBlock);
        }
        if (block != expected.length / HASH_BYTES) {
            throw RestoreFailure.verification(object.describe() + " covers " + block + " sha blocks, but "
                    + hashes.source() + " lists " + expected.length / HASH_BYTES + " for it");
        }
    }

    private void check(byte[] actual, int length) throws RestoreFailure {
        long offset = object.offsetBytes() + (long) block * blockBytes;
        if (block >= expected.length / HASH_BYTES) {
            throw RestoreFailure.verification(object.describe() + " runs past the blocks " + hashes.source()
                    + " lists for it, at offset " + offset);
        }
        int at = block * HASH_BYTES;
        if (!Arrays.equals(actual, 0, HASH_BYTES, expected, at, at + HASH_BYTES)) {
            throw RestoreFailure.verification(object.describe() + ": the block at offset " + offset + " (" + length
                    + " bytes) failed verification: sha256 expected "
                    + HexFormat.of().formatHex(expected, at, at + HASH_BYTES) + " but was "
                    + HexFormat.of().formatHex(actual) + " (" + hashes.source() + ")");
        }
        block++;
        inBlock = 0;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

package dev.restoreagent.agent.decode;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells blocks of zeros, and knows the sha256 of zeros of each block length it has met: a volume's
 * free space costs a comparison, not a hash. One per decode worker; not thread-safe.
 */
final class ZeroBlocks {
    private final Map<Integer, byte[]> hashes = new HashMap<>();
    private ByteBuffer zeros = ByteBuffer.allocate(0);

    /** Whether the {@code length} bytes at {@code data}'s position are all zero. */
    boolean isZero(ByteBuffer data, int length) {
        if (zeros.capacity() < length) {
            // on the heap: direct memory is the budget's
            zeros = ByteBuffer.allocate(length);
        }
        // mismatch compares a word at a time, several times faster than the hash it saves
        return data.slice(data.position(), length).mismatch(zeros.slice(0, length)) < 0;
    }

    /** The sha256 of {@code length} zero bytes. */
    byte[] hash(int length) {
        return hashes.computeIfAbsent(length, n -> {
            var sha256 = Sha256BlockVerifier.newSha256();
            sha256.update(new byte[n]);
            return sha256.digest();
        });
    }
}

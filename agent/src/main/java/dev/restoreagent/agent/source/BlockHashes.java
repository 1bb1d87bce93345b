package dev.restoreagent.agent.source;

import java.io.IOException;

/**
 * What an object's decoded bytes must hash to, block by block: the sha256 of each sha block it
 * covers, from its backup's sha256file. The object starts on a block boundary; its last block may
 * be short only where the volume ends.
 */
public interface BlockHashes {
    /** The sha block size. */
    int blockBytes();

    /** The expected sha256 of each block the object covers, 32 bytes each, in order. */
    byte[] expected() throws IOException;

    /** Where the hashes come from, for messages: {@code sha256file <path>}. */
    String source();
}

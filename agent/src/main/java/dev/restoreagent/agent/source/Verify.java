package dev.restoreagent.agent.source;

import java.util.Locale;

/**
 * What a restore checks the decoded data against ({@code --verify}, API field {@code verify}).
 * sha256 checks every block a layer writes against that layer's own sha256file (the hash
 * instructions make it about twice as fast as md5 here); md5 checks each object against its
 * metadata's md5.
 */
public enum Verify {
    /** sha256 where a layer's sha256file is present and consistent, md5 where not (and say so). */
    AUTO,
    /** sha256 only; a layer without a usable sha256file is an error. */
    SHA256,
    /** md5 only, as before sha256 verification existed. */
    MD5,
    /** Both: the most thorough, and the slowest. */
    BOTH;

    /** The mode {@code name} names (case-insensitive); null means {@link #AUTO}. */
    public static Verify of(String name) {
        if (name == null) {
            return AUTO;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("verify must be auto, sha256, md5 or both, not '" + name + "'");
        }
    }
}

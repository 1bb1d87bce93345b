package dev.restoreagent.agent.source.store;

/**
 * Whether an object's stored bytes are checked, as they are read, against the digest its store
 * keeps of them: an S3 or Swift ETag that is their MD5. The one who opens the object decides, as
 * only it knows what else checks the bytes; a directory keeps no digest and ignores this.
 */
public enum StoredDigest {
    /**
     * Checked where the store has one: for whatever nothing else verifies whole (metadata,
     * sha256files), and for objects verified by their md5 only.
     */
    CHECK,
    /**
     * Not checked: every decoded byte of the object is checked against the hash of its block
     * before it is written, and its decoded length against the metadata's. Damage to the stored
     * bytes either fails that check (or the decoder) or decodes to the same bytes and harms nothing,
     * so the digest would catch nothing more, and it costs an MD5 of every stored byte.
     */
    SKIP
}

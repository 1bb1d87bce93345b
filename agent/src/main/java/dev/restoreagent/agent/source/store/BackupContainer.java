package dev.restoreagent.agent.source.store;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.SortedSet;

/**
 * One container of a backup repository, read by object name: a directory under a posix/NFS
 * backup root, an S3 bucket, a Swift container. Names are those Cinder's metadata uses: relative
 * to the container, {@code /} allowed in object stores.
 *
 * <p>Implementations are safe for use by several threads (the decode threads open objects at once).
 */
public interface BackupContainer {
    /** How messages name it: {@code container /backups/ab/cd/abcd...}, {@code S3 bucket volumebackups at URL}. */
    String describe();

    /** How messages name one of its objects: a path, or {@code s3://bucket/key}. */
    String describe(String name);

    /**
     * The names of its objects that start with {@code prefix}, sorted.
     *
     * @throws IOException the listing failed (an object store's 403 or 404 says which)
     */
    SortedSet<String> list(String prefix) throws IOException;

    /** Whether object {@code name} is there. */
    boolean exists(String name) throws IOException;

    /**
     * Opens object {@code name} for one streaming read from its first byte; the caller closes it.
     *
     * @param digest whether the store's digest of the stored bytes is checked as they are read; a
     *     mismatch fails the read that reaches the end, naming the object
     * @throws NoSuchObjectException it is not there
     * @throws IOException it cannot be read: refused, not a regular file, the store unreachable
     */
    ReadableByteChannel open(String name, StoredDigest digest) throws IOException;

    /**
     * Memory one open object holds besides the decoder's input buffer, while it is read: an object
     * store's receive buffers; a file, none. It counts in the restore's working set.
     */
    default int readerBytes() {
        return 0;
    }
}

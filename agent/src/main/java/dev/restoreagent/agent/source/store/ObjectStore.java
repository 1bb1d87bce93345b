package dev.restoreagent.agent.source.store;

/**
 * An object store holding Cinder backups (S3, Swift): its buckets or containers by name. One
 * store is shared by every restore that reads from it, and bounds the connections they use.
 */
public interface ObjectStore extends AutoCloseable {
    /** The container Cinder's drivers use when a backup names none ({@code backup_s3_store_bucket}, ...). */
    String DEFAULT_CONTAINER = "volumebackups";

    /** How messages name it: {@code S3 at http://127.0.0.1:7480}. */
    String describe();

    /** Its bucket or container {@code name}; nothing is asked of the store until it is read. */
    BackupContainer container(String name);

    @Override
    void close();
}

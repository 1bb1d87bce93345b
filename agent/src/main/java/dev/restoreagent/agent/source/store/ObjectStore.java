package dev.restoreagent.agent.source.store;

import java.io.IOException;
import java.time.Duration;
import java.util.SortedSet;

/**
 * An object store holding Cinder backups (S3, Swift): its buckets or containers by name. One
 * store is shared by every restore that reads from it, and bounds the connections they use.
 */
public interface ObjectStore extends AutoCloseable {
    /** The container Cinder's drivers use when a backup names none ({@code backup_s3_store_bucket}, ...). */
    String DEFAULT_CONTAINER = "volumebackups";

    /**
     * How long a store's read may wait for bytes before the GET is given up and resumed: a third of
     * the restore's read deadline, so that resumes fit inside it, within 1 to 30 seconds.
     */
    static Duration readTimeout(Duration sourceReadTimeout) {
        long millis = Math.max(1000, Math.min(30_000, sourceReadTimeout.toMillis() / 3));
        return Duration.ofMillis(millis);
    }

    /** How messages name it: {@code S3 at http://127.0.0.1:7480}. */
    String describe();

    /** Its bucket or container {@code name}; nothing is asked of the store until it is read. */
    BackupContainer container(String name);

    /**
     * The names of the buckets or containers its credentials can list: where a backup's parent is
     * looked for when it is in none its child's record or Cinder's default names.
     *
     * @throws IOException the store refused the listing or failed
     */
    SortedSet<String> containers() throws IOException;

    @Override
    void close();
}

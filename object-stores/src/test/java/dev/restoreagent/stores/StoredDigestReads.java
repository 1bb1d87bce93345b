package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.StoredDigest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store's objects read into a direct buffer against a store on loopback, the ETag checked or not as the opener
 * says: the same cases for each kind of store, which a subclass opens.
 */
abstract class StoredDigestReads {
    static final String KEY = "volume_v/20251207/az_nova_backup_b-00001";

    @TempDir
    Path dir;
    private FakeObjectServer server;
    private ObjectStore store;
    private BackupContainer bucket;
    private final byte[] object = new byte[3 << 20];

    /** The store's client for {@code server}; {@code dir} is there for its files. */
    abstract ObjectStore open(FakeObjectServer server, Path dir) throws Exception;

    /** How the store's objects are named in messages: {@code s3} or {@code swift}. */
    abstract String scheme();

    @BeforeEach
    void setUp() throws Exception {
        new Random(11).nextBytes(object);
        server = FakeObjectServer.start();
        server.put("volumebackups", KEY, object);
        store = open(server, dir);
        bucket = store.container("volumebackups");
    }

    @AfterEach
    void tearDown() {
        store.close();
        server.close();
    }

    @Test
    void anObjectReadsByteExactIntoADirectBuffer() throws Exception {
        for (StoredDigest digest : StoredDigest.values()) {
            assertThat(StoreReads.readAll(bucket.open(KEY, digest))).as(digest.name()).isEqualTo(object);
        }
    }

    @Test
    void aDamagedObjectWhoseDigestIsCheckedFailsAtItsEndNamingTheEtag() {
        server.damage("volumebackups", KEY, 1_000_000);
        String etag = FakeObjectServer.md5Hex(object);
        object[1_000_000] ^= (byte) 0xff;
        assertThatThrownBy(() -> StoreReads.readAll(bucket.open(KEY, StoredDigest.CHECK)))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage(scheme() + "://volumebackups/" + KEY + ": the " + object.length + " stored bytes have md5 "
                        + FakeObjectServer.md5Hex(object) + ", but the store's ETag is " + etag);
    }

    @Test
    void aDamagedObjectWhoseDigestIsSkippedComesAsItIsForTheBlockHashesToCatch() throws Exception {
        server.damage("volumebackups", KEY, 1_000_000);
        object[1_000_000] ^= (byte) 0xff;
        assertThat(StoreReads.readAll(bucket.open(KEY, StoredDigest.SKIP))).isEqualTo(object);
    }
}

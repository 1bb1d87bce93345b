package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.SwiftSettings;
import dev.restoreagent.agent.source.store.StoredDigest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Swift container's objects read through the JDK's client into a direct buffer, against a store on loopback:
 * the ETag checked or not, as the opener says.
 */
class SwiftStoreTest {
    private static final String KEY = "volume_v/20251207/az_nova_backup_b-00001";

    private FakeObjectServer server;
    private SwiftStore store;
    private BackupContainer bucket;
    private final byte[] object = new byte[3 << 20];

    @BeforeEach
    void setUp() throws Exception {
        new Random(11).nextBytes(object);
        server = FakeObjectServer.start();
        server.put("volumebackups", KEY, object);
        store = SwiftStore.open(new SwiftSettings(server.swiftAuthUrl(), "test:tester", "key", null, null, null,
                null, 4, Duration.ofSeconds(30)));
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
                .hasMessage("swift://volumebackups/" + KEY + ": the " + object.length + " stored bytes have md5 "
                        + FakeObjectServer.md5Hex(object) + ", but the store's ETag is " + etag);
    }

    @Test
    void aDamagedObjectWhoseDigestIsSkippedComesAsItIsForTheBlockHashesToCatch() throws Exception {
        server.damage("volumebackups", KEY, 1_000_000);
        object[1_000_000] ^= (byte) 0xff;
        assertThat(StoreReads.readAll(bucket.open(KEY, StoredDigest.SKIP))).isEqualTo(object);
    }
}

package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.agent.source.Verify;
import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.StoredDigest;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.ObjectEntry;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which objects a Cinder source opens with the store's digest of their stored bytes (an MD5 ETag)
 * checked: not those whose decoded bytes the layer's sha256file covers, all others as before.
 */
class CinderSourceStoredDigestTest {
    private static final int BLOCK = 32 * 1024;
    private static final int OBJECT = 4 * BLOCK;

    @TempDir
    Path dir;
    private Path volume;
    /** How each object was last opened, by name. */
    private final Map<String, StoredDigest> opened = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        volume = dir.resolve("volume");
        Volumes.write(volume, 3L * OBJECT + 5000, 31, VolumeShape.DISK_LIKE);
    }

    private CinderBackup full() throws IOException {
        return CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT).shaBlockSizeBytes(BLOCK)
                .compression("zlib").write(volume);
    }

    /** The container, recording how each object is opened. */
    private BackupContainer recording(BackupContainer real) {
        return new BackupContainer() {
            @Override
            public String describe() {
                return real.describe();
            }

            @Override
            public String describe(String name) {
                return real.describe(name);
            }

            @Override
            public SortedSet<String> list(String prefix) throws IOException {
                return real.list(prefix);
            }

            @Override
            public boolean exists(String name) throws IOException {
                return real.exists(name);
            }

            @Override
            public ReadableByteChannel open(String name, StoredDigest digest) throws IOException {
                opened.put(name, digest);
                return real.open(name, digest);
            }
        };
    }

    private LocatedBackup recorded(LocatedBackup located) {
        return new LocatedBackup(located.backupId(), recording(located.container()), located.prefix());
    }

    /** Resolves {@code top} as a restore would, and opens each of its objects once, as a decoder would. */
    private void openAll(CinderBackup top, Verify verify) throws Exception {
        CinderBackupLocator real = new CinderBackupLocator(top.backupRoot());
        BackupLocator locator = new BackupLocator() {
            @Override
            public LocatedBackup locate(String backupId, String container) throws RestoreFailure {
                return recorded(real.locate(backupId, container));
            }

            @Override
            public LocatedBackup locate(String backupId, String container, String prefix) throws RestoreFailure {
                return recorded(real.locate(backupId, container, prefix));
            }

            @Override
            public LocatedBackup locateParent(String parentId, LocatedBackup child, String volumeId)
                    throws RestoreFailure {
                return recorded(real.locateParent(parentId, child, volumeId));
            }
        };
        try (RestoreSource source = CinderSource.resolve(locator, locator.locate(top.backupId(), top.container()),
                verify, dir.resolve("tmp"))) {
            for (Layer layer : source.layers()) {
                for (SourceObject object : layer.objects()) {
                    object.opener().open().close();
                }
            }
        }
    }

    private void assertObjectsOpened(CinderBackup backup, StoredDigest digest) {
        for (ObjectEntry object : backup.objects()) {
            assertThat(opened).as(object.name()).containsEntry(object.name(), digest);
        }
    }

    private void assertMetadataChecked(CinderBackup backup) {
        assertThat(opened).containsEntry(backup.prefix() + LocatedBackup.METADATA_SUFFIX, StoredDigest.CHECK);
    }

    @Test
    void objectsTheSha256fileCoversSkipTheStoredDigest() throws Exception {
        CinderBackup backup = full();
        for (Verify verify : new Verify[] {Verify.AUTO, Verify.SHA256, Verify.BOTH}) {
            opened.clear();
            openAll(backup, verify);
            assertObjectsOpened(backup, StoredDigest.SKIP);
            // what nothing else checks keeps its digest: the metadata, the sha256file itself
            assertMetadataChecked(backup);
            assertThat(opened).containsEntry(backup.prefix() + LocatedBackup.SHA256_SUFFIX, StoredDigest.CHECK);
        }
    }

    @Test
    void objectsCheckedByMd5KeepTheStoredDigest() throws Exception {
        CinderBackup backup = full();
        openAll(backup, Verify.MD5);
        assertObjectsOpened(backup, StoredDigest.CHECK);
        assertMetadataChecked(backup);
    }

    @Test
    void aLayerThatFallsBackToMd5KeepsTheStoredDigest() throws Exception {
        CinderBackup backup = full();
        Files.delete(backup.sha256FilePath());
        openAll(backup, Verify.AUTO);
        assertObjectsOpened(backup, StoredDigest.CHECK);
        assertMetadataChecked(backup);
    }

    @Test
    void eachLayerOfAChainDecidesForItsOwnObjects() throws Exception {
        CinderBackup full = full();
        Path v1 = dir.resolve("v1");
        Volumes.mutate(volume, v1, 32, 3);
        CinderBackup incremental = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT)
                .shaBlockSizeBytes(BLOCK).compression("zstd").parent(full).write(v1);
        // the increment's sha256file is unusable, so it falls back to md5; the full one's is used
        Files.delete(incremental.sha256FilePath());
        openAll(incremental, Verify.AUTO);
        assertObjectsOpened(full, StoredDigest.SKIP);
        assertObjectsOpened(incremental, StoredDigest.CHECK);
    }
}

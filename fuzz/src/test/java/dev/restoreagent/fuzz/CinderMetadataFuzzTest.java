package dev.restoreagent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.cinder.CinderMetadata;
import dev.restoreagent.agent.source.cinder.CinderMetadataReader;
import dev.restoreagent.agent.source.cinder.CinderObject;
import dev.restoreagent.agent.source.cinder.LocatedBackup;
import dev.restoreagent.api.FailureKind;
import org.junit.jupiter.api.AfterAll;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup's {@code _metadata} object, as a Swift or S3 store or a file would hold it: read whole or
 * refused as bad input in one line naming it, never anything else; what it accepts is valid (objects
 * that do not overlap, plain names, md5s of 32 hex digits, ends within 1 PiB). Seeds: the metadata of
 * backups made by Cinder's posix driver, one per compression and an incremental one.
 */
class CinderMetadataFuzzTest {
    private static final Bounds BOUNDS = new Bounds("cinder-metadata");
    private static final String PREFIX = "volume_" + Seeds.VOLUME_ID + "_20260101T000000_backup_" + Seeds.BACKUP_ID;
    /** The parse streams: a few dozen bytes of heap per input byte, whatever the file declares. */
    private static final int HEAP_PER_INPUT_BYTE = 64;

    @FuzzTest
    void metadata(byte[] input) throws Exception {
        LocatedBackup located = new LocatedBackup(Seeds.BACKUP_ID,
                new MemoryContainer(Map.of(PREFIX + LocatedBackup.METADATA_SUFFIX, input)), PREFIX);
        BOUNDS.run(Seeds.PARSER_HEAP_BYTES + (long) HEAP_PER_INPUT_BYTE * input.length, () -> {
            try {
                check(CinderMetadataReader.read(located, Seeds.BACKUP_ID));
            } catch (RestoreFailure e) {
                assertThat(e.kind()).isEqualTo(FailureKind.BAD_INPUT);
                assertThat(e.getMessage()).contains("memory/" + PREFIX + LocatedBackup.METADATA_SUFFIX).doesNotContain("\n");
            }
        });
    }

    private static void check(CinderMetadata metadata) {
        assertThat(metadata.backupId()).isEqualTo(Seeds.BACKUP_ID);
        List<CinderObject> objects = metadata.objects().stream()
                .sorted(Comparator.comparingLong(CinderObject::offsetBytes)).toList();
        for (int i = 0; i < objects.size(); i++) {
            CinderObject object = objects.get(i);
            assertThat(object.offsetBytes()).isNotNegative();
            assertThat(object.lengthBytes()).isNotNegative();
            assertThat(object.endBytes()).isBetween(object.offsetBytes(), CinderMetadataReader.MAX_VOLUME_BYTES);
            assertThat(object.md5Hex()).matches("[0-9a-f]{32}");
            assertThat(object.name()).doesNotContain("\0").isNotEmpty();
            assertThat(object.name().split("/", -1)).doesNotContain("", ".", "..");
            if (i > 0) {
                assertThat(object.offsetBytes()).isGreaterThanOrEqualTo(objects.get(i - 1).endBytes());
            }
        }
    }

    @AfterAll
    static void close() {
        BOUNDS.close();
    }
}

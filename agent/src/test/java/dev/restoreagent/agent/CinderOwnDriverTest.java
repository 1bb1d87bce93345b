package dev.restoreagent.agent;

import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.ObjectEntry;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Backups written by Cinder's own PosixBackupDriver (Debian's python3-cinder, through the test kit's
 * {@link CinderDriver}), a full one and two increments in other codecs, restored by the agent's command line
 * byte-exact, checked against the sha256file Cinder wrote; and Cinder's own restore of the same chain agrees.
 * Skipped where python3-cinder is missing, except with {@code CI=true}, where that is a failure.
 */
class CinderOwnDriverTest {
    private static final long MIB = 1 << 20;
    private static final String VOLUME_ID = "5e1f0000-0000-4000-8000-000000000001";
    private static final String FULL_ID = "5e1f0000-0000-4000-8000-0000000000f1";
    private static final String INC1_ID = "5e1f0000-0000-4000-8000-0000000000a1";
    private static final String INC2_ID = "5e1f0000-0000-4000-8000-0000000000a2";

    @TempDir
    Path dir;

    @BeforeAll
    static void requireCinder() {
        String reason = CinderDriver.unavailableReason();
        if (reason != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + " (required when CI=true)");
            }
            Assumptions.abort(reason);
        }
    }

    @Test
    void cindersOwnChainRestoresByteExactAndAsCindersOwnRestoreDoes() throws Exception {
        Path v0 = dir.resolve("v0");
        Path v1 = dir.resolve("v1");
        Path v2 = dir.resolve("v2");
        // not a multiple of the chunk or the sha block: Cinder's last object and block are short
        Volumes.write(v0, 3 * MIB + 12_345, 41, VolumeShape.DISK_LIKE);
        Volumes.mutate(v0, v1, 42, 6);
        Volumes.mutate(v1, v2, 43, 6);
        CinderDriver cinder = CinderDriver.posix(dir.resolve("backups"), dir.resolve("work"));

        // zlib is Cinder's default; the increments change codec and chunk size, as a reconfigured node would
        CinderDriver.Made full = cinder.backup(new CinderDriver.BackupSpec(v0, FULL_ID, VOLUME_ID, null, null,
                MIB, null, null), dir.resolve("full.json"));
        CinderDriver.Made inc1 = cinder.backup(new CinderDriver.BackupSpec(v1, INC1_ID, VOLUME_ID, FULL_ID, "bz2",
                2 * MIB, null, null), dir.resolve("inc1.json"));
        CinderDriver.Made inc2 = cinder.backup(new CinderDriver.BackupSpec(v2, INC2_ID, VOLUME_ID, INC1_ID, "zstd",
                MIB, null, "users/nightly"), dir.resolve("inc2.json"));

        assertThat(full.backup().objects()).hasSize(4).extracting(ObjectEntry::compression).contains("zlib");
        assertThat(inc1.backup().parentId()).isEqualTo(FULL_ID);
        assertThat(inc1.backup().objects()).isNotEmpty().extracting(ObjectEntry::compression).contains("bz2");
        assertThat(inc2.backup().container()).isEqualTo("users/nightly");
        assertThat(inc2.backup().objects()).isNotEmpty().extracting(ObjectEntry::compression).contains("zstd");

        Path byRecord = dir.resolve("by-record.img");
        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", cinder.backupPath().toString(),
                "--cinder-record", inc2.recordFile().toString(), "--to", byRecord.toString(), "--progress", "none",
                "--state-dir", dir.resolve("state").toString(), "--verify", "sha256");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(byRecord)).isEqualTo(TestSupport.sha256(v2));

        Path byId = dir.resolve("by-id.img");
        run = TestSupport.cli("restore", "--backup-root", cinder.backupPath().toString(), "--backup-id", INC1_ID,
                "--to", byId.toString(), "--progress", "none", "--state-dir", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("sha256");
        assertThat(TestSupport.sha256(byId)).isEqualTo(TestSupport.sha256(v1));

        Path byCinder = dir.resolve("by-cinder.img");
        CinderDriver.RestoreStep step = cinder.restore(INC2_ID, byCinder);
        assertThat(TestSupport.sha256(byCinder)).isEqualTo(TestSupport.sha256(v2));
        assertThat(step.seconds()).isPositive();
        assertThat(step.peakRssBytes()).isGreaterThanOrEqualTo(step.rssBeforeBytes()).isPositive();
    }
}

package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.stores.FakeObjectServer;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore from S3 and Swift (a store on loopback) of a backup whose stored bytes were damaged
 * with their ETag left as it was, as at rest or on the way: where the sha256file covers the object
 * its ETag is not checked and the block hashes catch the damage; where only the md5 checks the
 * object, the ETag catches it, at the object's end, as before.
 */
class StoredDigestRestoreTest {
    private static final int BLOCK = 32 * 1024;
    private static final int OBJECT = 8 * BLOCK;
    private static final String BUCKET = "volumebackups";

    @TempDir
    Path dir;
    private FakeObjectServer server;
    private Path volume;
    private CinderBackup backup;

    @BeforeAll
    static void keys() {
        // the SDK's credential chain reads these first: the in-process CLI's S3 user
        System.setProperty("aws.accessKeyId", "AK");
        System.setProperty("aws.secretAccessKey", "SK");
    }

    @AfterAll
    static void forgetKeys() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @BeforeEach
    void setUp() throws Exception {
        volume = dir.resolve("volume");
        Volumes.write(volume, 4L * OBJECT + 5000, 51, VolumeShape.DISK_LIKE);
        // stored as is: a damaged stored byte is a damaged byte of the volume, which no decoder notices
        backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT).shaBlockSizeBytes(BLOCK)
                .compression("none").write(volume);
        server = FakeObjectServer.start();
        server.putFiles(BUCKET, backup.containerDir());
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private List<String> store(String kind) {
        return kind.equals("s3") ? List.of("--s3-endpoint", server.s3Endpoint().toString())
                : List.of("--swift-auth-url", server.swiftAuthUrl().toString(), "--swift-user", "test:tester",
                "--swift-key", "key");
    }

    private TestSupport.CliRun restore(String kind, String verify, Path target) {
        List<String> args = new ArrayList<>(List.of("restore", "--progress", "none", "--state-dir",
                dir.resolve("state").toString(), "--decoders", "1"));
        args.addAll(store(kind));
        args.addAll(List.of("--backup-id", backup.backupId(), "--to", target.toString(), "--verify", verify));
        return TestSupport.cli(args.toArray(String[]::new));
    }

    /** Damages byte {@code at} of the second object; returns that object's name. */
    private String damageSecondObject(int at) {
        String name = backup.objects().get(1).name();
        server.damage(BUCKET, name, at);
        return name;
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "swift"})
    void anUndamagedBackupRestoresByteExactUnderEveryMode(String kind) throws Exception {
        for (String verify : new String[] {"auto", "sha256", "md5", "both"}) {
            Path target = dir.resolve(kind + "-" + verify + ".img");
            TestSupport.CliRun run = restore(kind, verify, target);
            assertThat(run.exitCode()).as(verify + ": " + run.stderr()).isEqualTo(ExitCode.OK);
            assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "swift"})
    void whereTheSha256fileCoversTheObjectItsBlockHashCatchesTheDamage(String kind) throws Exception {
        String name = damageSecondObject(3 * BLOCK + 17);
        for (String verify : new String[] {"auto", "both"}) {
            TestSupport.CliRun run = restore(kind, verify, dir.resolve(kind + "-" + verify + ".img"));
            assertThat(run.exitCode()).as(verify + ": " + run.stderr()).isEqualTo(ExitCode.VERIFICATION);
            assertThat(run.stderr()).startsWith("restore-agent: object " + name + " (backup " + backup.backupId()
                    + "): the block at offset " + (OBJECT + 3 * BLOCK) + " (" + BLOCK
                    + " bytes) failed verification: sha256 expected ").doesNotContain("ETag");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "swift"})
    void whereOnlyTheMd5ChecksTheObjectItsEtagCatchesTheDamage(String kind) throws Exception {
        String etag = FakeObjectServer.md5Hex(Files.readAllBytes(backup.objectPath(backup.objects().get(1).name())));
        String name = damageSecondObject(3 * BLOCK + 17);
        TestSupport.CliRun run = restore(kind, "md5", dir.resolve(kind + "-md5.img"));
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).startsWith("restore-agent: cannot read object " + name + " (backup "
                + backup.backupId() + "): " + kind + "://" + BUCKET + "/" + name + ": the " + OBJECT
                + " stored bytes have md5 ").contains(", but the store's ETag is " + etag);
    }
}

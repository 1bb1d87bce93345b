package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.CuttingProxy;
import dev.restoreagent.testkit.RadosGateway;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups written by Cinder's own S3 and Swift drivers (python3-cinder, through the test kit's
 * {@link CinderDriver}) into the test cluster's RADOS Gateway, restored by the agent's command line
 * straight from the store, byte-exact: full and incremental chains, user buckets and containers,
 * by export record and by id, into files and an RBD image; and the clear errors of wrong keys and a
 * missing object.
 */
@Tag("ceph")
class ObjectStoreRestoreCephTest {
    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;

    private static RadosGateway rgw;

    @BeforeAll
    static void requireRgwAndCinder() {
        rgw = CephTestCluster.rgw();
        CinderOwnDriverTest.requireCinder();
        // the SDK's credential chain reads these before the environment: the in-process CLI's S3 user
        System.setProperty("aws.accessKeyId", rgw.s3AccessKey());
        System.setProperty("aws.secretAccessKey", rgw.s3SecretKey());
    }

    @AfterAll
    static void forgetKeys() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** A chain of three written by one of Cinder's object store drivers: full in the default container. */
    private record Chain(Path top, Path middle, CinderDriver.Made full, CinderDriver.Made inc1, CinderDriver.Made inc2) {
    }

    private static Chain chain(String driver, String userContainer) throws Exception {
        String volumeId = UUID.randomUUID().toString();
        Path v0 = dir.resolve(driver + "-v0");
        Path v1 = dir.resolve(driver + "-v1");
        Path v2 = dir.resolve(driver + "-v2");
        // not a multiple of the object or the sha block: the last object and block are short
        Volumes.write(v0, 5 * MIB + 4_321, 71, VolumeShape.DISK_LIKE);
        Volumes.mutate(v0, v1, 72, 6);
        Volumes.mutate(v1, v2, 73, 6);
        CinderDriver cinder = CinderDriver.objectStore(driver, dir.resolve("work-" + driver));
        String fullId = UUID.randomUUID().toString();
        String inc1Id = UUID.randomUUID().toString();
        String inc2Id = UUID.randomUUID().toString();
        CinderDriver.Made full = cinder.backup(new CinderDriver.BackupSpec(v0, fullId, volumeId, null, null,
                2 * MIB, null, null), dir.resolve(driver + "-full.json"));
        CinderDriver.Made inc1 = cinder.backup(new CinderDriver.BackupSpec(v1, inc1Id, volumeId, fullId, "zstd",
                2 * MIB, null, null), dir.resolve(driver + "-inc1.json"));
        CinderDriver.Made inc2 = cinder.backup(new CinderDriver.BackupSpec(v2, inc2Id, volumeId, inc1Id, "bz2",
                MIB, null, userContainer), dir.resolve(driver + "-inc2.json"));
        assertThat(full.prefix()).startsWith("volume_" + volumeId + "/").endsWith("_backup_" + fullId);
        assertThat(full.container()).isEqualTo("volumebackups");
        assertThat(inc2.container()).isEqualTo(userContainer);
        return new Chain(v2, v1, full, inc1, inc2);
    }

    private static String id(CinderDriver.Made made) {
        return made.prefix().substring(made.prefix().lastIndexOf("_backup_") + "_backup_".length());
    }

    private static List<String> s3(String... more) {
        List<String> args = new ArrayList<>(List.of("--s3-endpoint", rgw.endpoint().toString()));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> swift(String... more) {
        List<String> args = new ArrayList<>(List.of("--swift-auth-url", rgw.swiftAuthUrl().toString(),
                "--swift-user", rgw.swiftUser(), "--swift-key", rgw.swiftKey()));
        args.addAll(List.of(more));
        return args;
    }

    private static TestSupport.CliRun restore(List<String> store, String... more) {
        List<String> args = new ArrayList<>(List.of("restore", "--progress", "none", "--state-dir",
                dir.resolve("state").toString()));
        args.addAll(store);
        args.addAll(List.of(more));
        return TestSupport.cli(args.toArray(String[]::new));
    }

    @Test
    void s3ChainsRestoreByteExactByRecordAndById() throws Exception {
        Chain chain = chain("s3", "nightly-s3");
        Path byRecord = dir.resolve("s3-by-record.img");
        TestSupport.CliRun run = restore(s3(), "--cinder-record", chain.inc2().recordFile().toString(),
                "--to", byRecord.toString(), "--verify", "sha256");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("(incremental, chain of 3)", "checked against the sha256 of each block");
        assertThat(TestSupport.sha256(byRecord)).isEqualTo(TestSupport.sha256(chain.top()));

        // by id: the default bucket is listed for it, its parent found among its volume's objects
        Path byId = dir.resolve("s3-by-id.img");
        run = restore(s3(), "--backup-id", id(chain.inc1()), "--to", byId.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(byId)).isEqualTo(TestSupport.sha256(chain.middle()));
    }

    @Test
    void swiftChainsRestoreByteExactByRecordAndById() throws Exception {
        Chain chain = chain("swift", "nightly-swift");
        Path byRecord = dir.resolve("swift-by-record.img");
        TestSupport.CliRun run = restore(swift(), "--cinder-record", chain.inc2().recordFile().toString(),
                "--to", byRecord.toString(), "--verify", "both");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(byRecord)).isEqualTo(TestSupport.sha256(chain.top()));

        // the user container holds the top backup; its parents are in the default one
        Path byId = dir.resolve("swift-by-id.img");
        run = restore(swift("--swift-container", "nightly-swift"), "--backup-id", id(chain.inc2()),
                "--to", byId.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(byId)).isEqualTo(TestSupport.sha256(chain.top()));

        // one RGW user's buckets are its containers: the Swift-written backup read through S3
        Path throughS3 = dir.resolve("swift-through-s3.img");
        run = restore(s3(), "--cinder-record", chain.inc1().recordFile().toString(), "--to", throughS3.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(throughS3)).isEqualTo(TestSupport.sha256(chain.middle()));
    }

    @Test
    void wrongKeysAndAMissingObjectAreClearErrors() throws Exception {
        Chain chain = chain("s3", "errors-s3");
        Path target = dir.resolve("errors.img");

        List<String> wrongKey = List.of("--swift-auth-url", rgw.swiftAuthUrl().toString(), "--swift-user",
                rgw.swiftUser(), "--swift-key", "not-the-key");
        TestSupport.CliRun run = restore(wrongKey, "--cinder-record",
                chain.full().recordFile().toString(), "--to", target.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).contains("Swift auth at " + rgw.swiftAuthUrl() + " refused user " + rgw.swiftUser()
                + ": HTTP 401 (the user or its key)").doesNotContain("not-the-key").doesNotContain("\tat ");

        String secret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.secretAccessKey", "wrong" + secret);
        try {
            run = restore(s3(), "--cinder-record", chain.full().recordFile().toString(), "--to", target.toString());
        } finally {
            System.setProperty("aws.secretAccessKey", secret);
        }
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).contains("HTTP 403 (the access key, its secret or its rights)").doesNotContain(secret)
                .doesNotContain("\tat ");

        String object = chain.full().prefix() + "-00002";
        try (S3Client s3 = S3Client.builder().endpointOverride(rgw.endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(rgw.s3AccessKey(), rgw.s3SecretKey()))).build()) {
            s3.deleteObject(b -> b.bucket(chain.full().container()).key(object));
        }
        run = restore(s3(), "--cinder-record", chain.full().recordFile().toString(), "--to", target.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).contains("object " + object + " listed in its metadata is missing from S3 bucket "
                + chain.full().container());
    }

    @Test
    void anSseCBackupRestoresWithCindersKeyAndIsAClearErrorWithout() throws Exception {
        // backup_s3_sse_customer_key as Cinder takes it: the key itself, 32 bytes of text
        String key = "restore-agent-sse-c-key-32-bytes";
        Path volume = dir.resolve("sse-volume");
        Volumes.write(volume, 3 * MIB, 91, VolumeShape.DISK_LIKE);
        CinderDriver.Made made = CinderDriver.objectStore("s3", dir.resolve("work-sse")).backup(
                new CinderDriver.BackupSpec(volume, UUID.randomUUID().toString(), UUID.randomUUID().toString(), null,
                        null, MIB, null, null), dir.resolve("sse.json"),
                Map.of("backup_s3_sse_customer_algorithm", "AES256", "backup_s3_sse_customer_key", key));
        Path target = dir.resolve("sse.img");
        TestSupport.CliRun run = restore(s3("--s3-sse-customer-key", key), "--cinder-record",
                made.recordFile().toString(), "--to", target.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));

        run = restore(s3(), "--cinder-record", made.recordFile().toString(), "--to", dir.resolve("sse-x.img").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).contains("HTTP 400 (an object written with SSE-C needs its key: --s3-sse-customer-key)");
    }

    @Test
    void intoAnRbdImageFromS3() throws Exception {
        Chain chain = chain("s3", "rbd-s3");
        String image = CephTestCluster.uniqueImageName("from-s3");
        TestSupport.CliRun run = restore(s3(), "--cinder-record", chain.inc2().recordFile().toString(),
                "--to", "rbd:rbd/" + image, "--create", "--ceph-conf", CephTestCluster.conf().toString(),
                "--verify-after");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("read back");
        run = TestSupport.cli("verify", "--s3-endpoint", rgw.endpoint().toString(), "--backup-id",
                id(chain.inc2()), "--s3-bucket", "rbd-s3", "--target", "rbd:rbd/" + image, "--ceph-conf",
                CephTestCluster.conf().toString(), "--state-dir", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("verified rbd:rbd/" + image);
    }

    @Test
    void theDaemonRestoresFromTheStoresItsConfigNames() throws Exception {
        Chain s3Chain = chain("s3", "daemon-s3");
        Chain swiftChain = chain("swift", "daemon-swift");
        Path home = Files.createDirectories(dir.resolve("daemon"));
        Path s3Credentials = Files.writeString(home.resolve("s3-credentials"), "[default]\naws_access_key_id = "
                + rgw.s3AccessKey() + "\naws_secret_access_key = " + rgw.s3SecretKey() + "\n");
        Path swiftCredentials = Files.writeString(home.resolve("swift-credentials"), "user = " + rgw.swiftUser()
                + "\nkey = " + rgw.swiftKey() + "\n");
        Path socket = home.resolve("agent.sock");
        Path conf = Files.writeString(home.resolve("agent.conf"), String.join("\n", "socket = " + socket,
                "state_dir = " + home.resolve("state"), "allowed_paths = " + dir, "allowed_groups =",
                "store.rgw.type = s3", "store.rgw.endpoint = " + rgw.endpoint(),
                "store.rgw.credentials_file = " + s3Credentials,
                "store.sw.type = swift", "store.sw.auth_url = " + rgw.swiftAuthUrl(),
                "store.sw.credentials_file = " + swiftCredentials, ""));
        try (Agent agent = Agent.start(AgentConfig.load(conf), "test");
             ControlClient client = new ControlClient(socket)) {
            Path fromS3 = dir.resolve("daemon-s3.img");
            Path fromSwift = dir.resolve("daemon-swift.img");
            String s3Job = submit(client, "rgw", s3Chain.inc2().recordFile(), fromS3);
            String swiftJob = submit(client, "sw", swiftChain.inc2().recordFile(), fromSwift);
            assertThat(TestSupport.finished(client, s3Job).path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(TestSupport.finished(client, swiftJob).path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(TestSupport.sha256(fromS3)).isEqualTo(TestSupport.sha256(s3Chain.top()));
            assertThat(TestSupport.sha256(fromSwift)).isEqualTo(TestSupport.sha256(swiftChain.top()));

            String unknown = submit(client, "nope", s3Chain.inc2().recordFile(), dir.resolve("daemon-x.img"));
            assertThat(TestSupport.finished(client, unknown).path("error").asText())
                    .isEqualTo("no object store named 'nope'; agent.conf names rgw, sw");
        }
        // the secrets are in neither the journal nor the jobs' records
        try (var files = Files.walk(home.resolve("state"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).doesNotContain(rgw.s3SecretKey()).doesNotContain(rgw.swiftKey());
            }
        }
    }

    private static String submit(ControlClient client, String store, Path record, Path to) throws Exception {
        RestoreRequest request = new RestoreRequest(null, null, null, record.toString(), null, null, to.toString(),
                null, null, null, null, null, null, "sha256", null, store, null);
        return client.submit(request).job().path("id").asText();
    }

    @Test
    void aGetCutInTheMiddleOfAnObjectResumesFromTheNextByte() throws Exception {
        Chain chain = chain("s3", "cut-s3");
        try (CuttingProxy proxy = CuttingProxy.start(rgw.endpoint().getHost(), rgw.port())) {
            // three responses cut, each after 100 KB more: objects are read in pieces, by ranged GETs
            proxy.cutAfter(100_000, 3);
            Path target = dir.resolve("cut.img");
            TestSupport.CliRun run = restore(List.of("--s3-endpoint", "http://127.0.0.1:" + proxy.port()),
                    "--cinder-record", chain.inc2().recordFile().toString(), "--to", target.toString(),
                    "--verify", "sha256");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(proxy.cuts()).isEqualTo(3);
            assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(chain.top()));
        }
    }

    @Test
    void aStalledGetIsGivenUpAndResumedBeforeTheReadDeadline() throws Exception {
        Chain chain = chain("s3", "stall-s3");
        try (CuttingProxy proxy = CuttingProxy.start(rgw.endpoint().getHost(), rgw.port())) {
            proxy.stallAfter(400_000);
            Path target = dir.resolve("stall.img");
            // a store's read may stall a third of the read deadline: 3 s, then the GET is resumed
            TestSupport.CliRun run = restore(List.of("--s3-endpoint", "http://127.0.0.1:" + proxy.port(),
                    "--source-read-timeout", "9"), "--cinder-record", chain.full().recordFile().toString(),
                    "--to", target.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(proxy.stalls()).isEqualTo(1);
            assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(dir.resolve("s3-v0")));
        }
    }

    @Test
    void aStalledSwiftBodyIsCutAndResumedByRangeBeforeTheReadDeadline() throws Exception {
        Chain chain = chain("swift", "stall-swift");
        try (CuttingProxy proxy = CuttingProxy.start(rgw.endpoint().getHost(), rgw.port())) {
            // the gateway's storage URL follows the Host asked for: every GET goes through the proxy
            proxy.stallAfter(400_000);
            Path target = dir.resolve("stall-swift.img");
            // the JDK's client has no read timeout: the body's own gives up after a third of the deadline
            TestSupport.CliRun run = restore(List.of("--swift-auth-url", "http://127.0.0.1:" + proxy.port()
                            + "/auth/1.0", "--swift-user", rgw.swiftUser(), "--swift-key", rgw.swiftKey(),
                            "--source-read-timeout", "9"), "--cinder-record", chain.full().recordFile().toString(),
                    "--to", target.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(proxy.stalls()).isEqualTo(1);
            assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(dir.resolve("swift-v0")));
        }
    }

    @Test
    void byItsRecordsAChainReadsEachMetadataObjectOnceAndListsNoWholeBucket() throws Exception {
        Chain chain = chain("s3", "count-s3");
        String volumePrefix = chain.full().prefix().substring(0, chain.full().prefix().indexOf('/') + 1);
        try (CuttingProxy proxy = CuttingProxy.start(rgw.endpoint().getHost(), rgw.port())) {
            Path target = dir.resolve("count.img");
            TestSupport.CliRun run = restore(List.of("--s3-endpoint", "http://127.0.0.1:" + proxy.port()),
                    "--cinder-record", chain.inc2().recordFile().toString(), "--to", target.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(chain.top()));

            List<String> requests = proxy.requests();
            for (CinderDriver.Made backup : List.of(chain.full(), chain.inc1(), chain.inc2())) {
                String metadata = "GET /" + backup.container() + "/" + backup.prefix() + "_metadata";
                assertThat(requests).as("GETs of %s", metadata).filteredOn(r -> r.equals(metadata)).hasSize(1);
            }
            // the parents are looked for among their volume's objects, never in a listing of everything
            List<String> listings = requests.stream().filter(r -> r.startsWith("GET ") && r.contains("list-type="))
                    .toList();
            assertThat(listings).isNotEmpty().allSatisfy(r -> assertThat(r).contains("prefix="
                    + java.net.URLEncoder.encode(volumePrefix, java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aParentInAnotherContainerIsFoundByListingTheStoreOrReadWhereItsRecordSays() throws Exception {
        for (String driver : List.of("s3", "swift")) {
            // a weekly full in a container of its own; the incremental without one goes to Cinder's default
            String volumeId = UUID.randomUUID().toString();
            Path v0 = dir.resolve(driver + "-elsewhere-v0");
            Path v1 = dir.resolve(driver + "-elsewhere-v1");
            Volumes.write(v0, 3 * MIB + 512, 91, VolumeShape.DISK_LIKE);
            Volumes.mutate(v0, v1, 92, 4);
            CinderDriver cinder = CinderDriver.objectStore(driver, dir.resolve("work-elsewhere-" + driver));
            String fullId = UUID.randomUUID().toString();
            String incId = UUID.randomUUID().toString();
            CinderDriver.Made full = cinder.backup(new CinderDriver.BackupSpec(v0, fullId, volumeId, null, "zlib",
                    MIB, null, "weekly-" + driver), dir.resolve(driver + "-elsewhere-full.json"));
            CinderDriver.Made inc = cinder.backup(new CinderDriver.BackupSpec(v1, incId, volumeId, fullId, "zlib",
                    MIB, null, null), dir.resolve(driver + "-elsewhere-inc.json"));
            assertThat(inc.container()).isEqualTo("volumebackups");

            // by the child's record alone: the store's containers are listed, and the note says where it was
            Path listed = dir.resolve(driver + "-elsewhere-listed.img");
            TestSupport.CliRun run = restore(driver.equals("s3") ? s3() : swift(), "--cinder-record",
                    inc.recordFile().toString(), "--to", listed.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(TestSupport.sha256(listed)).isEqualTo(TestSupport.sha256(v1));
            assertThat(run.stderr()).contains("restore-agent: note: parent backup " + fullId + " of backup " + incId
                    + " is in " + (driver.equals("s3") ? "S3 bucket" : "Swift container") + " weekly-" + driver);

            // with both records nothing is looked for: no listing of the store or of a volume's objects
            if (driver.equals("s3")) {
                try (CuttingProxy proxy = CuttingProxy.start(rgw.endpoint().getHost(), rgw.port())) {
                    Path named = dir.resolve("s3-elsewhere-named.img");
                    run = restore(List.of("--s3-endpoint", "http://127.0.0.1:" + proxy.port()), "--cinder-record",
                            inc.recordFile().toString(), "--cinder-record", full.recordFile().toString(),
                            "--to", named.toString());
                    assertThat(run.exitCode()).as(run.stderr()).isZero();
                    assertThat(TestSupport.sha256(named)).isEqualTo(TestSupport.sha256(v1));
                    assertThat(run.stderr()).doesNotContain("note: parent");
                    // the only listings are of each backup's own prefix, which must hold just its objects
                    List<String> own = List.of(full, inc).stream().map(b -> "prefix=" + java.net.URLEncoder.encode(
                            b.prefix(), java.nio.charset.StandardCharsets.UTF_8)).toList();
                    assertThat(proxy.requests()).isNotEmpty()
                            .noneMatch(r -> r.equals("GET /") || r.startsWith("GET /?"))
                            .filteredOn(r -> r.contains("list-type="))
                            .hasSize(2).allMatch(r -> own.stream().anyMatch(r::endsWith));
                }
            }
        }
    }

    @Test
    void aCutThatKeepsComingFailsNamingTheObjectAndTheByte() throws Exception {
        // stored as is: 2 MiB objects, each cut every 50 KB, need more resumed GETs than one object may take
        Path volume = dir.resolve("cuts-volume");
        Volumes.write(volume, 4 * MIB, 81, VolumeShape.DISK_LIKE);
        String backupId = UUID.randomUUID().toString();
        CinderDriver.Made full = CinderDriver.objectStore("s3", dir.resolve("work-cuts")).backup(
                new CinderDriver.BackupSpec(volume, backupId, UUID.randomUUID().toString(), null, "none", 2 * MIB,
                        null, null), dir.resolve("cuts.json"));
        try (CuttingProxy proxy = CuttingProxy.start(rgw.endpoint().getHost(), rgw.port())) {
            proxy.cutAfter(50_000, 1000);
            TestSupport.CliRun run = restore(List.of("--s3-endpoint", "http://127.0.0.1:" + proxy.port(),
                    "--decoders", "1"), "--cinder-record", full.recordFile().toString(),
                    "--to", dir.resolve("cuts.img").toString());
            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(run.stderr()).contains("s3://volumebackups/" + full.prefix() + "-00001: reading failed at byte ")
                    .contains(" after " + 5 + " resumed GETs: ").doesNotContain("\tat ");
        }
    }
}

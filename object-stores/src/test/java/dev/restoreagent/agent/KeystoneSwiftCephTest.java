package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keystone v3 auth against a real Keystone (Debian's python3-keystone) and a RADOS Gateway that takes
 * its tokens, both started by {@code scripts/keystone-test.sh} next to the test cluster: a chain that
 * Cinder's own SwiftBackupDriver wrote with v1 auth, through the cluster's gateway, into the Keystone
 * project's account, restored byte-exact by the command line authenticating with the {@code OS_*}
 * variables (it runs in a child JVM, since they are its environment) and by the daemon from an
 * agent.conf store with {@code auth_version = 3}; a wrong password and a catalog with two regions and
 * no OS_REGION_NAME are one-line errors, exit 3.
 */
@Tag("ceph")
class KeystoneSwiftCephTest {
    private static final long MIB = 1 << 20;
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath()
            .normalize();
    private static final Path SCRIPT = HOME.resolve("scripts/keystone-test.sh");
    private static final String WHO = "user cinder (domain Default) of project backups (domain Default)";

    @TempDir
    static Path dir;

    private static Path keystoneDir;
    private static Map<String, String> keystone;
    private static Path v0;
    private static Path v1;
    private static String container;
    private static String fullId;
    private static CinderDriver.Made inc;

    @BeforeAll
    static void startKeystone() throws Exception {
        CephTestCluster.rgw();
        CinderOwnDriverTest.requireCinder();
        requireKeystone();
        keystoneDir = dir.resolve("keystone");
        Process start = new ProcessBuilder(SCRIPT.toString(), "start", keystoneDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(out).isZero();
        keystone = new HashMap<>();
        for (String line : Files.readAllLines(keystoneDir.resolve("keystone.env"))) {
            int eq = line.indexOf('=');
            keystone.put(line.substring(0, eq), line.substring(eq + 1));
        }
        writeChain();
    }

    /** A full and an incremental by Cinder's SwiftBackupDriver, v1 auth as the project's account's subuser. */
    private static void writeChain() throws IOException {
        String volumeId = UUID.randomUUID().toString();
        v0 = dir.resolve("v0");
        v1 = dir.resolve("v1");
        Volumes.write(v0, 3 * MIB + 1_234, 81, VolumeShape.DISK_LIKE);
        Volumes.mutate(v0, v1, 82, 5);
        // at the cluster's own gateway, not the Keystone one: they share the pools
        CinderDriver cinder = CinderDriver.objectStore("swift", dir.resolve("work"), Map.of(
                "RGW_SWIFT_USER", keystone.get("KS_SWIFT_USER"), "RGW_SWIFT_KEY", keystone.get("KS_SWIFT_KEY")));
        fullId = UUID.randomUUID().toString();
        // RGW's container names are one namespace for all its accounts: volumebackups may be another's
        container = "keystone-" + volumeId;
        cinder.backup(new CinderDriver.BackupSpec(v0, fullId, volumeId, null, null, MIB, null, container),
                dir.resolve("full.json"));
        inc = cinder.backup(new CinderDriver.BackupSpec(v1, UUID.randomUUID().toString(), volumeId, fullId, "zstd",
                MIB, null, container), dir.resolve("inc.json"));
    }

    private static void requireKeystone() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(CinderDriver.PYTHON.toString(), "-c", "import keystone.server.wsgi")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            String reason = "Keystone is not importable by " + CinderDriver.PYTHON
                    + " (apt-get install python3-keystone; scripts/install-deps.sh does)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + " (required when CI=true)");
            }
            Assumptions.abort(reason);
        }
    }

    @AfterAll
    static void stopKeystone() throws Exception {
        if (keystoneDir != null) {
            new ProcessBuilder(SCRIPT.toString(), "stop", keystoneDir.toString()).inheritIO().start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A run of bin/restore-agent's main class in a JVM of its own, with {@code os} as its only OS_* variables. */
    private record Run(int exitCode, String stderr) {
    }

    private static Run restore(Map<String, String> os, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), "dev.restoreagent.agent.cli.AgentMain", "restore",
                "--progress", "none", "--state-dir", dir.resolve("state").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("OS_") || k.equals("ST_KEY"));
        builder.environment().putAll(os);
        Process p = builder.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), err);
    }

    private static Map<String, String> openrc() {
        Map<String, String> os = new HashMap<>();
        keystone.forEach((k, v) -> {
            if (k.startsWith("OS_")) {
                os.put(k, v);
            }
        });
        return os;
    }

    @Test
    void cindersV1ChainRestoresByteExactThroughKeystone() throws Exception {
        Path byRecord = dir.resolve("by-record");
        Run run = restore(openrc(), "--swift-auth-version", "3", "--cinder-record", inc.recordFile().toString(),
                "--to", byRecord.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(byRecord)).isEqualTo(TestSupport.sha256(v1));

        // by id, the project by id and the user's domain by id, the interface as old openrc files spell it
        Map<String, String> byIds = openrc();
        byIds.remove("OS_PROJECT_NAME");
        byIds.remove("OS_PROJECT_DOMAIN_NAME");
        byIds.put("OS_PROJECT_ID", keystone.get("KS_PROJECT_ID"));
        byIds.remove("OS_USER_DOMAIN_NAME");
        byIds.put("OS_USER_DOMAIN_ID", "default");
        byIds.put("OS_INTERFACE", "internalURL");
        Path byId = dir.resolve("by-id");
        run = restore(byIds, "--swift-auth-version", "3", "--swift-container", container, "--backup-id", fullId,
                "--to", byId.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(byId)).isEqualTo(TestSupport.sha256(v0));
    }

    @Test
    void theDaemonRestoresFromAKeystoneStore() throws Exception {
        Path home = Files.createDirectories(dir.resolve("daemon"));
        Path credentials = Files.writeString(home.resolve("keystone-credentials"), String.join("\n",
                "username = " + keystone.get("OS_USERNAME"), "user_domain_name = Default",
                "password = " + keystone.get("OS_PASSWORD"), "project_name = " + keystone.get("OS_PROJECT_NAME"),
                "project_domain_name = Default", "region_name = RegionOne", ""));
        Path socket = home.resolve("agent.sock");
        Path conf = Files.writeString(home.resolve("agent.conf"), String.join("\n", "socket = " + socket,
                "state_dir = " + home.resolve("state"), "allowed_paths = " + dir, "allowed_groups =",
                "store.ks.type = swift", "store.ks.auth_version = 3", "store.ks.auth_url = "
                        + keystone.get("OS_AUTH_URL"), "store.ks.credentials_file = " + credentials, ""));
        Path to = dir.resolve("daemon.img");
        try (Agent agent = Agent.start(AgentConfig.load(conf), "test");
             ControlClient client = new ControlClient(socket)) {
            RestoreRequest request = new RestoreRequest(null, null, null, inc.recordFile().toString(), null, null,
                    to.toString(), null, null, null, null, null, null, "sha256", null, "ks", null);
            String id = client.submit(request).job().path("id").asText();
            JsonNode job = TestSupport.finished(client, id);
            assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        }
        assertThat(TestSupport.sha256(to)).isEqualTo(TestSupport.sha256(v1));
        try (var files = Files.walk(home.resolve("state"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).doesNotContain(keystone.get("OS_PASSWORD"));
            }
        }
    }

    @Test
    void aWrongPasswordAndAnAmbiguousRegionAreOneLineErrors() throws Exception {
        Map<String, String> wrong = openrc();
        wrong.put("OS_PASSWORD", "not-the-password-4711");
        String id = UUID.randomUUID().toString();
        Run run = restore(wrong, "--swift-auth-version", "3", "--backup-id", id, "--to", dir.resolve("never")
                .toString());
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().filter(l -> l.contains("Keystone"))).as(run.stderr()).containsExactly(
                "restore-agent: backup " + id + ": Keystone at " + keystone.get("OS_AUTH_URL") + " refused " + WHO
                        + ": HTTP 401 (the user, its password, or its role in the project)");
        assertThat(run.stderr()).doesNotContain("\tat ").doesNotContain("not-the-password-4711")
                .doesNotContain(keystone.get("OS_PASSWORD"));

        // the catalog also has RegionTwo's gateway
        Map<String, String> noRegion = openrc();
        noRegion.remove("OS_REGION_NAME");
        run = restore(noRegion, "--swift-auth-version", "3", "--backup-id", id, "--to", dir.resolve("never")
                .toString());
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().filter(l -> l.contains("Keystone"))).as(run.stderr()).containsExactly(
                "restore-agent: backup " + id + ": Keystone at " + keystone.get("OS_AUTH_URL") + " gave " + WHO
                        + " object-store endpoints in regions RegionOne, RegionTwo: set OS_REGION_NAME to one");
    }
}

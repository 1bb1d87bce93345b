package dev.restoreagent.agent.daemon;

import dev.restoreagent.testkit.CephTestCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileMeansEveryDefault() throws Exception {
        AgentConfig config = AgentConfig.load(dir.resolve("absent.conf"));
        assertThat(config.memoryBudgetBytes()).isEqualTo(256L << 20);
        assertThat(config.rbdZeroCopyWrites()).isTrue();
    }

    @Test
    void theDefaultsWrittenOutAreAValidFile() throws Exception {
        // the packaged agent.conf is DEFAULTS under a comment, and operators edit it in place
        Path file = Files.writeString(dir.resolve("agent.conf"), "# packaged\n" + AgentConfig.DEFAULTS);
        assertThat(AgentConfig.load(file)).isEqualTo(AgentConfig.load(dir.resolve("absent.conf")));
    }

    @Test
    void zeroCopyCanBeTurnedOffAndAnythingButTrueOrFalseIsRefusedByName() throws Exception {
        Path file = dir.resolve("agent.conf");
        Files.writeString(file, "rbd_zero_copy_writes = false\n");
        assertThat(AgentConfig.load(file).rbdZeroCopyWrites()).isFalse();

        assertThat(refusal("rbd_zero_copy_writes = no"))
                .isEqualTo(file + " line 1: rbd_zero_copy_writes: must be true or false: 'no'");
    }

    @Test
    void aCommentAfterAValueIsDroppedWhenWhitespacePrecedesIt() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.conf"), String.join("\n",
                "memory_budget = 512MiB   # total",
                "socket_group =                  # group of the socket file (empty: the agent's own)",
                "\tceph_id = restore-agent#2\t# a '#' inside a value stays", ""));
        AgentConfig config = AgentConfig.load(file);
        assertThat(config.memoryBudgetBytes()).isEqualTo(512L << 20);
        assertThat(config.socketGroup()).isNull();
        assertThat(config.cephId()).isEqualTo("restore-agent#2");
        assertThat(refusal("job_retention_hours = 24#"))
                .isEqualTo(file + " line 1: job_retention_hours: not a whole number: '24#'");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheNearestKnownOne() throws Exception {
        Path file = dir.resolve("agent.conf");
        assertThat(refusal("# budget", "", "memry_budget = 1GiB"))
                .isEqualTo(file + " line 3: unknown key 'memry_budget' (did you mean memory_budget?)");
        assertThat(refusal("osd_op_timeout = 30"))
                .isEqualTo(file + " line 1: unknown key 'osd_op_timeout' (did you mean osd_op_timeout_seconds?)");
        assertThat(refusal("colour = blue")).isEqualTo(file + " line 1: unknown key 'colour'");
    }

    @Test
    void aLineThatIsNotKeyEqualsValueIsRefused() throws Exception {
        Path file = dir.resolve("agent.conf");
        assertThat(refusal("queue_depth = 4", "memory_budget 256MiB"))
                .isEqualTo(file + " line 2: not a key = value line: 'memory_budget 256MiB'");
        assertThat(refusal("memory_budget: 256MiB"))
                .isEqualTo(file + " line 1: not a key = value line: 'memory_budget: 256MiB'");
        assertThat(refusal("= 256MiB")).isEqualTo(file + " line 1: not a key = value line: '= 256MiB'");
    }

    @Test
    void aSectionIsRefused() throws Exception {
        assertThat(refusal("[agent]", "memory_budget = 1GiB")).isEqualTo(dir.resolve("agent.conf")
                + " line 1: sections are not supported: '[agent]' (agent.conf is key = value lines only)");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingBothLines() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.conf"), "memory_budget = 256MiB\n#\nmemory_budget = 64MiB\n");
        AgentConfig.ConfigException refused = catchThrowableOfType(AgentConfig.ConfigException.class,
                () -> AgentConfig.load(file));
        assertThat(refused).hasMessage(file + " line 3: memory_budget: given twice (first on line 1)");
        assertThat(refused.file()).isEqualTo(file);
        assertThat(refused.line()).isEqualTo(3);
        assertThat(refused.key()).isEqualTo("memory_budget");
    }

    @Test
    void anInvalidValueIsRefusedAtItsLineWithItsKey() throws Exception {
        Path file = dir.resolve("agent.conf");
        assertThat(refusal("queue_depth = 8", "", "memory_budget = lots"))
                .isEqualTo(file + " line 3: memory_budget: not a size: 'lots' (use e.g. 4096, 64MiB, 1GiB)");
        assertThat(refusal("memory_budget = 0")).isEqualTo(file + " line 1: memory_budget: must be more than 0");
        assertThat(refusal("queue_depth = eight")).isEqualTo(file + " line 1: queue_depth: not a whole number: 'eight'");
        assertThat(refusal("queue_depth = -1")).isEqualTo(file + " line 1: queue_depth: not a whole number: '-1'");
        assertThat(refusal("buffer_size = 1MiB", "queue_depth = 0"))
                .isEqualTo(file + " line 2: queue_depth: queue depth must be 1 to 1024: 0");
        assertThat(refusal("osd_op_timeout_seconds = 30s"))
                .isEqualTo(file + " line 1: osd_op_timeout_seconds: not a whole number: '30s'");
        assertThat(refusal("osd_op_timeout_seconds = 0")).isEqualTo(file + " line 1: osd_op_timeout_seconds: must"
                + " be at least 1 (0 would let a write to a dead OSD wait forever)");
        assertThat(refusal("socket =")).isEqualTo(file + " line 1: socket: must not be empty");
        assertThat(refusal("allowed_uids = 0, bob"))
                .isEqualTo(file + " line 1: allowed_uids: not a uid: 'bob' (names go in allowed_groups)");
    }

    @Test
    void validValuesAreRead() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.conf"), String.join("\n", "memory_budget = 1GiB",
                "buffer_size = 1MiB", "queue_depth = 4", "osd_op_timeout_seconds = 5", "job_retention_hours = 2",
                "allowed_uids = 1000, 1001", "allowed_paths = /srv/backups/../restores,/dev", ""));
        AgentConfig config = AgentConfig.load(file);
        assertThat(config.memoryBudgetBytes()).isEqualTo(1L << 30);
        assertThat(config.settings().bufferBytes()).isEqualTo(1 << 20);
        assertThat(config.settings().queueDepth()).isEqualTo(4);
        assertThat(config.osdOpTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.jobRetention()).isEqualTo(Duration.ofHours(2));
        assertThat(config.allowedUids()).containsExactlyInAnyOrder(1000, 1001);
        assertThat(config.allowedPaths()).containsExactly(Path.of("/srv/restores"), Path.of("/dev"));
    }

    @Test
    void metricsListenIsOffByDefaultAndTakesALoopbackHostAndPort() throws Exception {
        assertThat(AgentConfig.load(dir.resolve("absent.conf")).metricsListen()).isNull();
        Path file = dir.resolve("agent.conf");
        Files.writeString(file, "metrics_listen = 127.0.0.1:9464\n");
        assertThat(AgentConfig.load(file).metricsListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 9464));
        Files.writeString(file, "metrics_listen = [::1]:9464\n");
        assertThat(AgentConfig.load(file).metricsListen()).isEqualTo(new InetSocketAddress("::1", 9464));
        Files.writeString(file, "metrics_listen = localhost:9100\n");
        assertThat(AgentConfig.load(file).metricsListen().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void metricsListenRefusesAnAddressOffTheHostAndWhatIsNotHostAndPort() throws Exception {
        Path file = dir.resolve("agent.conf");
        assertThat(refusal("metrics_listen = 0.0.0.0:9464")).isEqualTo(file + " line 1: metrics_listen: '0.0.0.0'"
                + " is not a loopback address; the metrics listener has no authentication, so it listens on"
                + " 127.0.0.1 or ::1 only (put a proxy in front for more)");
        assertThat(refusal("metrics_listen = 10.1.2.3:9464")).startsWith(file + " line 1: metrics_listen: '10.1.2.3'"
                + " is not a loopback address");
        assertThat(refusal("metrics_listen = 9464"))
                .isEqualTo(file + " line 1: metrics_listen: not a HOST:PORT: '9464' (use e.g. 127.0.0.1:9464)");
        assertThat(refusal("metrics_listen = prometheus.example:9464"))
                .isEqualTo(file + " line 1: metrics_listen: not a HOST:PORT: 'prometheus.example:9464'"
                        + " (use e.g. 127.0.0.1:9464)");
        assertThat(refusal("metrics_listen = 127.0.0.1:0"))
                .isEqualTo(file + " line 1: metrics_listen: port must be 1 to 65535: '127.0.0.1:0'");
        assertThat(refusal("metrics_listen = 127.0.0.1:70000"))
                .isEqualTo(file + " line 1: metrics_listen: port must be 1 to 65535: '127.0.0.1:70000'");
        assertThat(refusal("metrics_listen = 127.0.0.300:9464"))
                .isEqualTo(file + " line 1: metrics_listen: not an IP address: '127.0.0.300'");
    }

    /** The message {@code lines}, as agent.conf, are refused with. */
    @Test
    void objectStoresAreReadFromTheirStoreLines() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.conf"), String.join("\n",
                "store.rgw.type = s3",
                "store.rgw.endpoint = https://rgw.example.net:8443   # the cluster's RGW",
                "store.rgw.credentials_file = /etc/restore-agent/s3-credentials",
                "store.rgw.max_connections = 4",
                "store.swift-1.type = swift",
                "store.swift-1.auth_url = http://127.0.0.1:7480/auth/1.0",
                "store.swift-1.credentials_file = /etc/restore-agent/swift-credentials",
                "store.ks.type = swift",
                "store.ks.auth_version = 3",
                "store.ks.auth_url = https://keystone.example.net:5000/v3",
                "store.ks.credentials_file = /etc/restore-agent/keystone-credentials", ""));
        AgentConfig config = AgentConfig.load(file);
        assertThat(config.stores()).containsOnlyKeys("rgw", "swift-1", "ks");
        assertThat(config.stores().get("swift-1").authVersion()).isEqualTo(1);
        assertThat(config.stores().get("ks").authVersion()).isEqualTo(3);
        StoreConfig rgw = config.stores().get("rgw");
        assertThat(rgw.type()).isEqualTo(StoreConfig.Type.S3);
        assertThat(rgw.endpoint()).hasToString("https://rgw.example.net:8443");
        assertThat(rgw.region()).isEqualTo("us-east-1");
        assertThat(rgw.maxConnections()).isEqualTo(4);
        assertThat(config.stores().get("swift-1").authUrl()).hasToString("http://127.0.0.1:7480/auth/1.0");
    }

    @Test
    void aStoreLineThatMakesNoStoreIsRefusedByName() throws Exception {
        Path file = dir.resolve("agent.conf");
        assertThat(refusal("store.rgw.endpoint = http://h:1"))
                .isEqualTo(file + " line 1: store rgw has no store.rgw.type (s3, swift or ceph)");
        assertThat(refusal("store.rgw.type = ftp"))
                .isEqualTo(file + " line 1: store.rgw.type: 'ftp' is not s3, swift or ceph");
        assertThat(refusal("store.rgw.type = s3", "store.rgw.endpont = http://h:1"))
                .isEqualTo(file + " line 2: unknown key 'store.rgw.endpont'"
                        + " (did you mean store.rgw.endpoint?)");
        assertThat(refusal("store.rgw.type = s3", "store.rgw.auth_url = http://h:1/auth/1.0"))
                .isEqualTo(file + " line 2: store.rgw.auth_url: s3 stores have no auth_url");
        assertThat(refusal("store.sw.type = swift", "store.sw.auth_url = http://h:1/auth/1.0"))
                .isEqualTo(file + " line 1: swift store sw needs store.sw.auth_url and"
                        + " store.sw.credentials_file (user = ..., key = ...)");
        assertThat(refusal("store.sw.type = swift", "store.sw.auth_version = 2"))
                .isEqualTo(file + " line 2: store.sw.auth_version: 2 is not 1 (v1 auth) or 3 (Keystone v3)");
        assertThat(refusal("store.rgw.type = s3", "store.rgw.auth_version = 3"))
                .isEqualTo(file + " line 2: store.rgw.auth_version: s3 stores have no auth_version");
        assertThat(refusal("store.rgw.type = s3", "store.rgw.endpoint = rgw:8443"))
                .isEqualTo(file + " line 2: store.rgw.endpoint: not an http or https URL:"
                        + " 'rgw:8443'");
    }

    private String refusal(String... lines) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.conf"), String.join("\n", lines) + "\n");
        AgentConfig.ConfigException refused = catchThrowableOfType(AgentConfig.ConfigException.class,
                () -> AgentConfig.load(file));
        assertThat(refused).as("refused").isNotNull();
        return refused.getMessage();
    }

    @Test
    @Tag("ceph")
    void theDaemonsConnectionHasZeroCopyAsConfigured() throws Exception {
        for (boolean zeroCopy : new boolean[] {true, false}) {
            Path file = dir.resolve("zero-copy-" + zeroCopy + ".conf");
            Files.writeString(file, "ceph_conf = " + CephTestCluster.conf() + "\nrbd_zero_copy_writes = " + zeroCopy + "\n");
            try (var shared = Agent.connection(AgentConfig.load(file))) {
                assertThat(shared.get().settingsInEffect())
                        .containsEntry("rbd_disable_zero_copy_writes", zeroCopy ? "false" : "true")
                        .containsEntry("rbd_cache", "false");
            }
        }
    }
}

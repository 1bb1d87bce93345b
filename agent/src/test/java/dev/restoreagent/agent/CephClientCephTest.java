package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.rbd.RbdImageSpec;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.nativeb.rbd.RbdImage;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reaching the cluster as an operator's node would: the {@code rbd} CLI's option names, and
 * failures to connect that end on time and say what to fix.
 */
@Tag("ceph")
class CephClientCephTest {
    @TempDir
    Path dir;
    private Path image;

    @BeforeEach
    void writeImage() throws Exception {
        image = dir.resolve("disk.raw");
        Volumes.write(image, 1L << 20, 5, VolumeShape.DISK_LIKE);
    }

    private TestSupport.CliRun restore(String target, String... cephOptions) {
        String[] args = new String[] {"restore", "--image", image.toString(), "--to", target, "--create", "--size",
                "1MiB", "--progress", "none", "--state-dir", dir.resolve("state").toString()};
        String[] all = new String[args.length + cephOptions.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(cephOptions, 0, all, args.length, cephOptions.length);
        return TestSupport.cli(all);
    }

    private static void remove(String name) throws Exception {
        try (RbdConnection connection = RbdConnection.connect(new RadosConfig("ceph", "admin",
                CephTestCluster.conf(), null, Map.of()), Duration.ofSeconds(30), true);
             IoContext pool = connection.openPool(RbdImageSpec.parse("rbd:rbd/" + name))) {
            RbdImage.remove(pool, name);
        }
    }

    @Test
    void theRbdCliOptionNamesWork() throws Exception {
        String conf = CephTestCluster.conf().toString();
        for (String[] options : new String[][] {{"--conf", conf, "--user", "admin"}, {"-c", conf, "-n", "client.admin"},
                {"--conf=" + conf, "--name=client.admin"}}) {
            String name = CephTestCluster.uniqueImageName("alias");
            TestSupport.CliRun run = restore("rbd:rbd/" + name, options);
            assertThat(run.exitCode()).as(String.join(" ", options) + ": " + run.stderr()).isEqualTo(ExitCode.OK);
            assertThat(run.stderr()).contains("ceph client.admin: ");
            remove(name);
        }
    }

    @Test
    void deadMonitorsFailTheRestoreWithinTheTimeoutNamingThem() throws Exception {
        // a port nobody listens on: the monitors of a cluster that is down
        Path conf = Files.writeString(dir.resolve("dead.conf"), Pattern.compile("(?m)^\\s*mon[_ ]host\\s*=.*$")
                .matcher(Files.readString(CephTestCluster.conf())).replaceAll("mon_host = 127.0.0.1:1"));
        long start = System.nanoTime();

        TestSupport.CliRun run = restore("rbd:rbd/" + CephTestCluster.uniqueImageName("dead"), "-c", conf.toString(),
                "--osd-op-timeout", "3");

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).startsWith("restore-agent: cannot connect to the Ceph cluster: no monitor of"
                + " 127.0.0.1:1 answered in time (rados_connect failed: ETIMEDOUT");
        // Ceph's own default would wait 300 s; the bound is the timeout given, and some slack
        assertThat(took).isLessThan(Duration.ofSeconds(3 + 10));
    }

    @Test
    void aMissingKeyringIsNamed() {
        TestSupport.CliRun run = restore("rbd:rbd/" + CephTestCluster.uniqueImageName("nokey"), "-c",
                CephTestCluster.conf().toString(), "-k", dir.resolve("none.keyring").toString());

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).startsWith("restore-agent: cannot connect to the Ceph cluster: no keyring of "
                + dir.resolve("none.keyring") + " exists; name this client's keyring with ceph_keyring (agent.conf)"
                + " or -k (rados_connect failed: ENOENT");
    }
}

package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.testkit.CephTestCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OSD killed in the middle of a restore: the restore fails with a clear timeout error instead
 * of hanging. It uses a cluster of its own (the shared one would lose its OSD), started and
 * stopped with the project's script.
 */
@Tag("ceph")
class OsdFailureIT {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath().normalize();

    private static String script(String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = HOME.resolve("scripts/ceph-cluster.sh").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("ceph-cluster.sh " + String.join(" ", args)).isZero();
        return out.strip();
    }

    @Test
    void killedOsdGivesATimeoutErrorNotAHang() throws Exception {
        CephTestCluster.conf(); // the shared cluster's presence proves Ceph is installed; skip or fail like the rest
        Path clusterDir = Files.createTempDirectory("ra-osd-");
        String env = script("start", clusterDir.toString());
        assertThat(env).startsWith("CEPH_CONF=");
        String conf = env.substring("CEPH_CONF=".length());
        try {
            // a raw stream on stdin that we feed: the restore waits for more while the OSD dies
            Process restore = new ProcessBuilder("bash", "-c", "exec " + HOME.resolve("bin/restore-agent")
                    + " restore --image - --image-format raw --to rbd:rbd/osd-failure --create --size 256MiB"
                    + " --ceph-conf " + conf + " --osd-op-timeout 5 --progress plain --progress-interval 1")
                    .redirectErrorStream(true).start();
            Thread feeder = new Thread(() -> feed(restore, clusterDir));
            feeder.start();
            String output = new String(restore.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(restore.waitFor(3, TimeUnit.MINUTES)).as("restore ended after the OSD died").isTrue();
            feeder.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(restore.exitValue()).as(output).isEqualTo(ExitCode.TARGET);
            // librbd holds the writes back while it tries to re-take its lock: our stall watchdog ends it
            // (2 x the 5 s OSD op timeout + 5 s), unless librbd's own timeout surfaced first
            assertThat(output).containsPattern("restore-agent: (no write to target rbd:rbd/osd-failure completed in"
                    + " 15 s \\(\\d+ in flight\\): the target is not answering|writing to target rbd:rbd/osd-failure"
                    + " failed: rbd_aio_write2 failed: ETIMEDOUT)");
            assertThat(output).contains("restore-agent: target rbd:rbd/osd-failure is incomplete");
        } finally {
            script("stop", clusterDir.toString());
        }
    }

    /** Writes 32 MiB, waits for it to land, kills the OSD, then writes 32 MiB more. */
    private static void feed(Process restore, Path clusterDir) {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 0x5a);
        try (var stdin = restore.getOutputStream()) {
            for (int i = 0; i < 32; i++) {
                stdin.write(chunk);
            }
            stdin.flush();
            Thread.sleep(3000);
            killOsd(clusterDir);
            for (int i = 0; i < 32; i++) {
                stdin.write(chunk);
            }
        } catch (java.io.IOException e) {
            // the restore stopped reading once its writes failed: expected
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void killOsd(Path clusterDir) throws Exception {
        for (String line : Files.readAllLines(clusterDir.resolve("pids"))) {
            String[] fields = line.split(" ");
            if (fields[0].startsWith("osd.")) {
                new ProcessBuilder("kill", "-9", fields[1]).start().waitFor();
            }
        }
    }
}

package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.testkit.CephTestCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OSD stopped (SIGSTOP) or killed (SIGKILL) in the middle of a restore: the restore fails within
 * the README's bound (2 x osd_op_timeout + 5 s), says the target is incomplete, and exits soon after;
 * a SIGTERM while the OSD is stopped ends it too. Each test uses a cluster of its own (the shared one
 * would lose its OSD), started and stopped with the project's script.
 */
@Tag("ceph")
class OsdFailureIT {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath().normalize();
    private static final int OSD_OP_TIMEOUT_SECONDS = 5;
    /** The README's bound, plus slack for a slow, shared 2-core machine. */
    private static final long ERROR_WITHIN_MILLIS = (2 * OSD_OP_TIMEOUT_SECONDS + 5 + 10) * 1000L;
    private static final long EXIT_WITHIN_MILLIS = 10_000;

    @Test
    void stoppedOsdFailsOnTimeAndExits() throws Exception {
        faultedRestore("STOP", "osd-stop", false);
    }

    @Test
    void killedOsdFailsOnTimeAndExits() throws Exception {
        faultedRestore("KILL", "osd-kill", false);
    }

    @Test
    void sigtermWhileTheOsdIsStoppedEndsTheRestore() throws Exception {
        faultedRestore("STOP", "osd-term", true);
    }

    private static void faultedRestore(String signal, String image, boolean terminate) throws Exception {
        CephTestCluster.conf(); // the shared cluster's presence proves Ceph is installed; skip or fail like the rest
        Path clusterDir = Files.createTempDirectory("ra-osd-");
        String env = script("start", clusterDir.toString());
        assertThat(env).startsWith("CEPH_CONF=");
        String conf = env.substring("CEPH_CONF=".length());
        String osd = osdPid(clusterDir);
        Process restore = null;
        try {
            // a raw stream on stdin that we feed: 32 MiB land, the OSD fails, 32 MiB more are sent
            restore = new ProcessBuilder("bash", "-c", "exec " + HOME.resolve("bin/restore-agent")
                    + " restore --image - --image-format raw --to rbd:rbd/" + image + " --create --size 256MiB"
                    + " --ceph-conf " + conf + " --osd-op-timeout " + OSD_OP_TIMEOUT_SECONDS
                    + " --progress plain --progress-interval 1")
                    .redirectErrorStream(true).start();
            Lines lines = new Lines(restore);
            lines.start();
            var stdin = restore.getOutputStream();
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 0x5a);
            for (int i = 0; i < 32; i++) {
                stdin.write(chunk);
            }
            stdin.flush();
            assertThat(lines.awaitContaining("progress: 32.0 MiB", 30_000)).as(lines.text()).isGreaterThan(0);
            signal(signal, osd);
            long faultAt = System.nanoTime();
            Thread feeder = new Thread(() -> {
                try (stdin) {
                    for (int i = 0; i < 32; i++) {
                        stdin.write(chunk);
                    }
                } catch (java.io.IOException e) {
                    // the restore stopped reading once its writes failed: expected
                }
            });
            feeder.setDaemon(true);
            feeder.start();
            if (terminate) {
                Thread.sleep(4000); // within the first op timeout: nothing has failed yet
                long termAt = System.nanoTime();
                signal("TERM", Long.toString(restore.pid()));
                assertThat(restore.waitFor(EXIT_WITHIN_MILLIS + 20_000, TimeUnit.MILLISECONDS)).isTrue();
                lines.join(5000);
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
                assertThat(tookMillis).as("exit after SIGTERM, ms\n" + lines.text()).isLessThan(EXIT_WITHIN_MILLIS);
                assertThat(lines.text()).contains("restore-agent: restore cancelled")
                        .contains("restore-agent: target rbd:rbd/" + image + " is incomplete");
                return;
            }
            assertThat(restore.waitFor(3, TimeUnit.MINUTES)).as("restore ended after the OSD failed").isTrue();
            long exitAt = System.nanoTime();
            lines.join(5000);
            String output = lines.text();
            assertThat(restore.exitValue()).as(output).isEqualTo(ExitCode.TARGET);
            // librbd's own ETIMEDOUT, or our stall check when librbd holds the writes back
            long errorAt = lines.timeOf("restore-agent: (no write to target rbd:rbd/" + image + " completed in"
                    + " 15 s \\(\\d+ in flight\\): the target is not answering|writing to target rbd:rbd/" + image
                    + " failed: rbd_aio_write2 failed: ETIMEDOUT).*");
            assertThat(errorAt).as(output).isGreaterThan(0);
            assertThat(TimeUnit.NANOSECONDS.toMillis(errorAt - faultAt)).as("error after the fault, ms\n" + output)
                    .isLessThan(ERROR_WITHIN_MILLIS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(exitAt - errorAt)).as("exit after the error, ms\n" + output)
                    .isLessThan(EXIT_WITHIN_MILLIS);
            assertThat(output).contains("restore-agent: target rbd:rbd/" + image + " is incomplete");
        } finally {
            if (restore != null) {
                restore.destroyForcibly();
            }
            if (signal.equals("STOP")) {
                signal("CONT", osd);
            }
            script("stop", clusterDir.toString());
        }
    }

    /** The restore's output, line by line, each with the time it arrived. */
    private static final class Lines extends Thread {
        private final Process process;
        private final List<String> text = new ArrayList<>();
        private final List<Long> times = new ArrayList<>();

        Lines(Process process) {
            this.process = process;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (this) {
                        text.add(line);
                        times.add(System.nanoTime());
                        notifyAll();
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        }

        synchronized String text() {
            return String.join("\n", text);
        }

        /** The arrival time of the first line matching {@code regex}, or 0. */
        synchronized long timeOf(String regex) {
            for (int i = 0; i < text.size(); i++) {
                if (text.get(i).matches(regex)) {
                    return times.get(i);
                }
            }
            return 0;
        }

        synchronized long awaitContaining(String part, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (true) {
                for (int i = 0; i < text.size(); i++) {
                    if (text.get(i).contains(part)) {
                        return times.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    private static String osdPid(Path clusterDir) throws Exception {
        for (String line : Files.readAllLines(clusterDir.resolve("pids"))) {
            String[] fields = line.split(" ");
            if (fields[0].startsWith("osd.")) {
                return fields[1];
            }
        }
        throw new IllegalStateException("no OSD in " + clusterDir.resolve("pids"));
    }

    private static void signal(String signal, String pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, pid).start().waitFor();
    }

    private static String script(String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = HOME.resolve("scripts/ceph-cluster.sh").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // an OSD's failure is all this is about: no gateway beside it, and a quicker start
        builder.environment().put("CEPH_DEV_RGW", "0");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("ceph-cluster.sh " + String.join(" ", args)).isZero();
        return out.strip();
    }
}

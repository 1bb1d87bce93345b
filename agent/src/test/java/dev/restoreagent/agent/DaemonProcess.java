package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/restore-agent serve} in a process of its own, in a directory of the test's, driven over its
 * real Unix socket with curl (an HTTP client that is not ours). Its files: {@code agent.conf},
 * {@code agent.sock}, {@code state/}, {@code daemon.log}, and {@code allowed/}, where requests may read
 * and write.
 */
public final class DaemonProcess implements AutoCloseable {
    /** The checkout, whose bin/restore-agent runs from agent/target (and object-stores/target). */
    public static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath()
            .normalize();

    private final Path dir;
    private Process daemon;

    public DaemonProcess(Path dir) {
        this.dir = dir;
    }

    /** A status and its JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    /** The directory the daemon's {@code allowed_paths} names. */
    public Path allowed() throws IOException {
        return Files.createDirectories(dir.resolve("allowed"));
    }

    public Path socket() {
        return dir.resolve("agent.sock");
    }

    /**
     * Starts the daemon and waits until it answers health.
     *
     * @param extraConfig agent.conf lines besides the socket, state dir and allowed paths
     * @param javaOpts JVM options for the daemon, through the launcher's JAVA_OPTS
     */
    public void start(String extraConfig, String javaOpts) throws Exception {
        launch(extraConfig, javaOpts);
        awaitUp();
    }

    /**
     * Starts the daemon and returns at once, before it answers (a test that kills it during its start);
     * {@link #awaitUp()} waits for it.
     */
    public void launch(String extraConfig, String javaOpts) throws Exception {
        Path conf = dir.resolve("agent.conf");
        Files.writeString(conf, String.join("\n", "socket = " + socket(), "state_dir = " + dir.resolve("state"),
                "allowed_paths = " + allowed(), "allowed_groups =", extraConfig, ""));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + HOME.resolve("bin/restore-agent")
                + " serve --config " + conf);
        builder.environment().put("JAVA_OPTS", javaOpts);
        daemon = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                dir.resolve("daemon.log").toFile())).start();
    }

    /** Waits, up to a minute, until the daemon {@link #launch}ed answers health. */
    public void awaitUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(socket()) && call("GET", "/v1/health", null).status() == 200)) {
            assertThat(daemon.isAlive()).as("daemon alive: " + log()).isTrue();
            assertThat(System.nanoTime()).as("daemon up in time").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The daemon's process id: the JVM's, as the launcher execs it. */
    public long pid() {
        return daemon.pid();
    }

    /**
     * The names of the daemon's threads now, as the kernel has them ({@code /proc/PID/task/TID/comm}: the
     * JVM names each thread after its Java name, cut to 15 bytes); a thread that ends meanwhile is left out.
     */
    public List<String> threadNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path task : tasks) {
                try {
                    names.add(Files.readString(task.resolve("comm")).strip());
                } catch (NoSuchFileException e) {
                    // the thread ended while we looked
                }
            }
        }
        return names;
    }

    /** The budget holds nothing, nobody waits for it, and the data path's direct memory is all freed, within 20 s. */
    public void awaitBudgetReturned() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            JsonNode budget = call("GET", "/v1/budget", null).body();
            if (budget.get("in_use_bytes").asLong() == 0 && budget.get("direct_memory_used_bytes").asLong() == 0
                    && budget.get("waiting").asInt() == 0) {
                return;
            }
            assertThat(System.nanoTime()).as("the budget given back: " + budget).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * No thread of a restore is left, within 20 s: its decode threads and their digests' ({@code decode ...}), its
     * file target's I/O thread ({@code target-io ...}). (The watchdogs' two threads are all restores' own.)
     */
    public void awaitNoRestoreThreads(String why) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<String> left = threadNames().stream().filter(name -> name.startsWith("decode")
                    || name.startsWith("target-io")).toList();
            if (left.isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as(why + ": threads of restores left: " + left).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** What the daemon wrote to stdout and stderr, over all its starts. */
    public String log() throws IOException {
        Path log = dir.resolve("daemon.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public Answer call(String method, String path, String body, String... prefix) throws Exception {
        Curl.Answer answer = Curl.call(socket(), method, path, body, prefix);
        return new Answer(answer.status(), answer.json());
    }

    /** The job once it has ended, within four minutes. */
    public JsonNode awaitFinished(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (true) {
            JsonNode job = call("GET", "/v1/restores/" + id, null).body();
            String state = job.get("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job " + id + " finished in time: " + job).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** SIGKILL, and waits for the process to be gone. */
    public void kill() throws InterruptedException {
        daemon.destroyForcibly();
        assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }

    /**
     * Starts the daemon, submits {@code request}, kills it with SIGKILL mid-restore, starts it again, and
     * sees the restore end from its checkpoint, {@code target} as {@code expected}, its mark gone.
     */
    public void killAndResume(String extraConfig, String request, Path target, Path expected) throws Exception {
        String config = String.join("\n", "memory_budget = 64MiB", extraConfig);
        // no zero runs, so bz2 takes seconds over it (in Java: libbz2 would be done too soon):
        // checkpoints come once a second, and the daemon must be killed after one, mid-layer, not
        // after the restore has ended
        String slowDecoders = "-Drestore.agent.decoders=java";
        start(config, slowDecoders);
        String id = call("POST", "/v1/restores", request).body().get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        JsonNode checkpoint;
        while ((checkpoint = call("GET", "/v1/restores/" + id, null).body().get("checkpoint")).isNull()
                || checkpoint.get("layer").asInt() == 0 && checkpoint.get("objects").asInt() < 2) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(checkpoint.get("layer").asInt()).as("the restore finished before it could be killed").isZero();

        kill();
        start(config, slowDecoders);

        JsonNode done = awaitFinished(id);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        // it went on from its durable checkpoint, not from the start: at least where it was seen
        JsonNode resumed = done.get("resumed_from");
        assertThat(resumed.get("layer").asInt() > 0 || resumed.get("objects").asInt() >= 2)
                .as("resumed from %s", resumed).isTrue();
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(expected));
        assertThat(new dev.restoreagent.io.targets.XattrMarker(target).get()).isEmpty();
    }

    /** Stops a running daemon with SIGTERM and sees it exit 0. */
    @Override
    public void close() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroy();
            assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(daemon.exitValue()).as("exit code after SIGTERM").isZero();
        }
    }
}

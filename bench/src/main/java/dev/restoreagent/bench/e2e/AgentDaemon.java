package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.JobView;
import dev.restoreagent.api.RestoreRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh {@code restore-agent serve} for one measurement, so that its peak resident set is that
 * measurement's alone. Restores go through its socket, as callers on a storage node send them; a
 * measurement of a daemon's life calls {@link #restore} again and again on the same one.
 */
final class AgentDaemon implements AutoCloseable {
    /** How the submitted restores ended. */
    record Outcome(double seconds, long writtenBytes, double cpuSeconds, long peakRssBytes, long directPeakBytes,
                   String failure) {
    }

    /** The daemon's resident set ({@code VmRSS}) and thread count ({@code Threads}) at one moment. */
    record Resident(long rssBytes, int threads) {
        /** Read from the lines of {@code /proc/PID/status}; -1 for a field that is not there (a zombie's). */
        static Resident parse(List<String> statusLines) {
            long rss = -1;
            int threads = -1;
            for (String line : statusLines) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring("Threads:".length()).strip());
                }
            }
            return new Resident(rss, threads);
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final ProcessWatch watch;
    private final ControlClient client;
    private final Path log;

    private AgentDaemon(Process process, ControlClient client, Path log) {
        this.process = process;
        this.watch = ProcessWatch.of(List.of(process.toHandle()));
        this.client = client;
        this.log = log;
    }

    /**
     * Starts a daemon whose state, socket and log are under {@code dir} (made anew), with budget
     * {@code budgetBytes}, allowed to read and write under {@code allowed}; {@code cephConf} null when no
     * restore goes to RBD.
     */
    static AgentDaemon start(AgentLauncher launcher, Path dir, long budgetBytes, boolean zeroCopy, Path cephConf,
                             Path allowed) throws IOException, InterruptedException {
        return start(launcher, dir, budgetBytes, zeroCopy, cephConf, allowed, List.of());
    }

    /** As the other start, with {@code configLines} (e.g. {@code store.NAME.*}) added to its agent.conf. */
    static AgentDaemon start(AgentLauncher launcher, Path dir, long budgetBytes, boolean zeroCopy, Path cephConf,
                             Path allowed, List<String> configLines) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("state"));
        Path config = dir.resolve("agent.conf");
        Path socket = dir.resolve("agent.sock");
        List<String> lines = new ArrayList<>(List.of(
                "memory_budget = " + budgetBytes,
                "socket = " + socket,
                "state_dir = " + dir.resolve("state"),
                "ceph_conf = " + (cephConf == null ? "" : cephConf),
                "rbd_zero_copy_writes = " + zeroCopy,
                "allowed_paths = " + allowed));
        lines.addAll(configLines);
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        Path log = dir.resolve("agent.log");
        Process process = launcher.command(List.of("serve", "--config", config.toString()), log).start();
        ControlClient client = new ControlClient(socket);
        AgentDaemon daemon = new AgentDaemon(process, client, log);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            try {
                client.health();
                return daemon;
            } catch (IOException e) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    daemon.close();
                    throw new IOException("the agent did not start (see " + log + "): " + e.getMessage(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Submits every request at once, waits for all of them to end, and says what they cost: their CPU alone, but
     * the peak resident set and direct peak of the daemon's whole life so far.
     */
    Outcome restore(List<RestoreRequest> requests, Duration timeout) throws IOException, InterruptedException {
        double cpuBefore = watch.cpuSeconds(process.toHandle());
        List<String> ids = new ArrayList<>();
        for (RestoreRequest request : requests) {
            ids.add(client.submit(request).job().get("id").asText());
        }
        Instant deadline = Instant.now().plus(timeout);
        List<JobView> jobs;
        while (true) {
            // one request for all jobs, five times a second: the polling must not cost the daemon measurable CPU;
            // the wall time comes from the jobs' own timestamps, not from when the poll saw them end
            jobs = new ArrayList<>();
            for (JsonNode job : client.list().get("restores")) {
                if (ids.contains(job.get("id").asText())) {
                    jobs.add(JobView.parse(job));
                }
            }
            if (jobs.size() == ids.size() && jobs.stream().allMatch(JobView::isFinished)) {
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                return new Outcome(Double.NaN, -1, Double.NaN, peakRssBytes(), -1,
                        "not finished after " + timeout.toSeconds() + " s (see " + log + ")");
            }
            Thread.sleep(200);
        }
        double cpu = watch.cpuSeconds(process.toHandle()) - cpuBefore;
        JsonNode budget = client.budget();
        long directPeak = budget.get("direct_memory_peak_bytes").asLong();
        String failure = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED)
                .map(j -> j.target() + ": " + j.state() + " " + j.error()).findFirst().orElse(null);
        Instant first = jobs.stream().map(j -> Instant.parse(j.createdAt())).min(Instant::compareTo).orElseThrow();
        Instant last = jobs.stream().map(j -> Instant.parse(j.finishedAt())).max(Instant::compareTo).orElseThrow();
        long written = jobs.stream().mapToLong(j -> j.bytesWritten() + j.bytesZeroed()).sum();
        return new Outcome(Duration.between(first, last).toNanos() / 1e9, written, cpu, peakRssBytes(), directPeak,
                failure);
    }

    /** Its resident set and threads now; -1 for both once it has exited. */
    Resident resident() throws IOException {
        try {
            return Resident.parse(Files.readAllLines(proc("status")));
        } catch (NoSuchFileException e) {
            return new Resident(-1, -1);
        }
    }

    /**
     * The options that cap its JVM's memory ({@code -Xms}, {@code -Xmx}, {@code -XX:MaxDirectMemorySize}), as
     * its command line holds them: what {@code bin/restore-agent} gave it.
     */
    List<String> memoryOptions() throws IOException {
        // the launcher execs java, so the daemon's pid is the JVM's; its arguments are NUL-separated
        String cmdline = new String(Files.readAllBytes(proc("cmdline")), StandardCharsets.UTF_8);
        return Arrays.stream(cmdline.split("\0")).filter(a -> a.startsWith("-Xms") || a.startsWith("-Xmx")
                || a.startsWith("-XX:MaxDirectMemorySize=")).toList();
    }

    private Path proc(String file) {
        return Path.of("/proc", Long.toString(process.pid()), file);
    }

    private long peakRssBytes() {
        return watch.peakRssBytes(process.toHandle());
    }

    /** SIGTERM, as systemd stops it; SIGKILL if it has not exited after 30 s. */
    @Override
    public void close() throws InterruptedException {
        client.close();
        watch.close();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

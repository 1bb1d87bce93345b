package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.api.RestoreRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The runs of the report, each measured the same way, one after the other. */
final class Scenarios {
    static final String FILE = "file";
    static final String RBD = "rbd";
    /** Subjects of the peer comparison that other classes look up. */
    static final String AGENT_IMAGE = "agent: --image FILE.zst";
    static final String AGENT_CINDER = "agent: Cinder backup";
    static final String AGENT_DAEMON = "agent daemon (running): --image FILE.zst";
    static final String ZSTD_DC = "zstd -dc FILE > TARGET";
    static final String RBD_BENCH = "rbd bench (write, 4M, 16 threads)";
    /** Where the cluster of an RBD run lives, under the work directory. */
    static final String CLUSTER_DIR = "ceph";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);
    private static final long ONE_SHOT_TIMEOUT_SECONDS = 20 * 60;

    private final BenchPlan plan;
    private final DataSet data;
    private final Path root;
    private final Path work;
    private final AgentLauncher launcher;
    private final Consumer<String> log;
    private int runNumber;
    // the cluster of the RBD run in progress, null between runs
    private Path cephConf;
    private CephPool ceph;

    Scenarios(BenchPlan plan, DataSet data, Path root, Path work, AgentLauncher launcher, Consumer<String> log) {
        this.plan = plan;
        this.data = data;
        this.root = root;
        this.work = work;
        this.launcher = launcher;
        this.log = log;
    }

    private interface Run {
        Measurement measure() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code run} on a cluster started for it (RBD), or without one (files), after writing back every dirty
     * page: the gigabytes the last run left in the page cache must not be flushed during this one.
     */
    private Measurement on(String kind, Run run) throws IOException, InterruptedException {
        Commands.run(List.of("sync"), work.resolve("ceph.log"));
        if (!kind.equals(RBD)) {
            return run.measure();
        }
        Path dir = work.resolve(CLUSTER_DIR);
        try (CephCluster cluster = CephCluster.start(root, dir, plan.memstoreBytes(), work.resolve("ceph.log"));
             CephPool pool = CephPool.connect(cluster.conf())) {
            cephConf = cluster.conf();
            ceph = pool;
            return run.measure();
        } finally {
            cephConf = null;
            ceph = null;
        }
    }

    /**
     * {@code n} restores of {@code backup} at once through a fresh daemon, one target each; the first target is
     * checked byte for byte against the volume.
     */
    Measurement agent(String scenario, DataSet.Backup backup, int n, String kind, boolean zeroCopy)
            throws IOException, InterruptedException {
        return agent(scenario, zeroCopy ? "agent" : "agent, zero-copy off", backup, n, kind, zeroCopy,
                plan.budgetBytes());
    }

    /** As {@link #agent(String, DataSet.Backup, int, String, boolean)}, under a budget of {@code budgetBytes}. */
    Measurement agent(String scenario, String subject, DataSet.Backup backup, int n, String kind, boolean zeroCopy,
                      long budgetBytes) throws IOException, InterruptedException {
        return on(kind, () -> {
            Path dir = runDir();
            List<String> targets = targets(kind, n);
            List<RestoreRequest> requests = new ArrayList<>();
            for (String target : targets) {
                requests.add(new RestoreRequest(data.backupRoot.toString(), backup.backupId(), null, null, null,
                        null, target, kind.equals(RBD) ? Boolean.TRUE : null, null, null, null, null, null, null, null, null, null));
            }
            AgentDaemon.Outcome outcome;
            try (AgentDaemon daemon = AgentDaemon.start(launcher, dir, budgetBytes, zeroCopy, cephConf, work)) {
                outcome = daemon.restore(requests, RUN_TIMEOUT);
            }
            String failure = outcome.failure() != null ? outcome.failure() : check(targets.get(0), backup);
            removeFiles(targets);
            return logged(new Measurement(scenario, subject, kind, n, backup.objectBytes(),
                    n * backup.volumeBytes(), outcome.writtenBytes(), outcome.seconds(), outcome.peakRssBytes(),
                    outcome.directPeakBytes(), outcome.cpuSeconds(), failure, null));
        });
    }

    /** {@code n} naive restores of {@code backup} on threads of one process, killed above the plan's limit. */
    Measurement baseline(String scenario, DataSet.Backup backup, int n, String kind)
            throws IOException, InterruptedException {
        return on(kind, () -> {
            List<String> targets = targets(kind, n);
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC", "-Xmx256m",
                    "-XX:MaxDirectMemorySize=1t", "-cp", System.getProperty("java.class.path"),
                    NaiveRestore.class.getName(), backup.metadata().toString()));
            command.addAll(targets);
            Path dir = runDir();
            Path out = dir.resolve("baseline.out");
            Path err = dir.resolve("baseline.err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (kind.equals(RBD)) {
                for (String target : targets) {
                    ceph.create(image(target), backup.volumeBytes()); // Cinder restores into a volume made before
                }
                pb.environment().put("CEPH_CONF", cephConf.toString());
            }
            CommandRun run = CommandRun.of(List.of(pb), plan.baselineLimitBytes(), ONE_SHOT_TIMEOUT_SECONDS);
            long bytes = n * backup.volumeBytes();
            Measurement m;
            if (run.killedAtRssBytes() >= 0) {
                m = Measurement.failed(scenario, "baseline", kind, n, backup.objectBytes(), bytes,
                        run.maxPeakRssBytes(), String.format("killed at %d MiB resident, above the limit of %d MiB",
                                run.killedAtRssBytes() >> 20, plan.baselineLimitBytes() >> 20));
            } else if (!run.succeeded()) {
                List<String> lines = Files.readAllLines(err);
                m = Measurement.failed(scenario, "baseline", kind, n, backup.objectBytes(), bytes,
                        run.maxPeakRssBytes(), "exit " + run.exitCodes().get(0)
                                + (lines.isEmpty() ? "" : ": " + lines.get(0)));
            } else {
                JsonNode result = new ObjectMapper().readTree(out.toFile());
                m = new Measurement(scenario, "baseline", kind, n, backup.objectBytes(), bytes, bytes,
                        result.get("seconds").asDouble(), run.maxPeakRssBytes(), -1,
                        result.get("cpu_seconds").asDouble(), check(targets.get(0), backup), null);
            }
            removeFiles(targets);
            return logged(m);
        });
    }

    /**
     * The side-by-side runs against the peers on the single large volume, {@code repeats} rounds interleaved;
     * each RBD command on a cluster of its own.
     */
    List<Measurement> peers() throws IOException, InterruptedException {
        List<Measurement> all = new ArrayList<>();
        String zst = data.singleZst.toString();
        String raw = data.singleRaw.toString();
        String budget = Long.toString(plan.budgetBytes());
        String size = Long.toString(data.single.volumeBytes()); // a stream does not tell its size: --create needs it
        List<String> cinder = List.of("--backup-root", data.backupRoot.toString(), "--backup-id",
                data.single.backupId());
        for (int round = 0; round < plan.repeats(); round++) {
            boolean verify = round == 0; // later rounds run the same commands on the same bytes
            all.add(oneShot(verify, ZSTD_DC, FILE, to -> List.of(
                    new ProcessBuilder("zstd", "-q", "-dc", zst).redirectOutput(Path.of(to).toFile())), null));
            all.add(oneShot(verify, "zstd -dc FILE > TARGET && sync TARGET", FILE, to -> List.of(
                    new ProcessBuilder("sh", "-c", "zstd -q -dc \"$1\" > \"$2\" && sync \"$2\"", "sh", zst, to)),
                    "durable at the end, as the agent's restores are; time only (RSS and CPU are the shell's)"));
            all.add(oneShot(verify, AGENT_IMAGE, FILE, to -> List.of(agentRestore(
                    List.of("--image", zst, "--to", to, "--memory-budget", budget))), null));
            all.add(oneShot(verify, AGENT_CINDER, FILE, to -> List.of(agentRestore(concat(cinder,
                    List.of("--to", to, "--memory-budget", budget)))), null));
            all.add(oneShot(verify, "zstdcat FILE | rbd import - IMAGE", RBD, to -> List.of(
                    new ProcessBuilder("zstd", "-q", "-dc", zst),
                    rbd("import", "--no-progress", "-", CephPool.POOL + "/" + image(to))),
                    "peak RSS and CPU: zstd and rbd summed"));
            all.add(oneShot(verify, "rbd import RAW IMAGE", RBD, to -> List.of(
                    rbd("import", "--no-progress", raw, CephPool.POOL + "/" + image(to))), null));
            all.add(oneShot(verify, AGENT_IMAGE, RBD, to -> List.of(agentRestore(List.of("--image", zst, "--to", to,
                    "--create", "--size", size, "--ceph-conf", cephConf.toString(), "--memory-budget", budget))),
                    null));
            all.add(oneShot(verify, AGENT_CINDER, RBD, to -> List.of(agentRestore(concat(cinder, List.of("--to", to,
                    "--create", "--ceph-conf", cephConf.toString(), "--memory-budget", budget)))), null));
            all.add(daemonSingle(verify, FILE));
            all.add(daemonSingle(verify, RBD));
            all.add(on(RBD, this::rbdBench));
        }
        return all;
    }

    /** The same restore as {@link #AGENT_IMAGE}, submitted to a daemon that is already up, as on a storage node. */
    private Measurement daemonSingle(boolean verify, String kind) throws IOException, InterruptedException {
        return on(kind, () -> {
            String target = targets(kind, 1).get(0);
            boolean rbd = kind.equals(RBD);
            RestoreRequest request = new RestoreRequest(null, null, null, null, data.singleZst.toString(), null, target,
                    rbd ? Boolean.TRUE : null, rbd ? Long.toString(data.single.volumeBytes()) : null, null, null, null, null, null, null, null, null);
            AgentDaemon.Outcome outcome;
            try (AgentDaemon daemon = AgentDaemon.start(launcher, runDir(), plan.budgetBytes(), true, cephConf,
                    work)) {
                outcome = daemon.restore(List.of(request), RUN_TIMEOUT);
            }
            String failure = outcome.failure() != null ? outcome.failure()
                    : verify ? check(target, data.single) : null;
            removeFiles(List.of(target));
            return logged(new Measurement("peers", AGENT_DAEMON, kind, 1, 0, data.single.volumeBytes(),
                    outcome.writtenBytes(), outcome.seconds(), outcome.peakRssBytes(), outcome.directPeakBytes(),
                    outcome.cpuSeconds(), failure, "time from submission to the job's end; no JVM start"));
        });
    }

    private interface Stages {
        List<ProcessBuilder> to(String target) throws IOException;
    }

    private Measurement oneShot(boolean verify, String subject, String kind, Stages stages, String note)
            throws IOException, InterruptedException {
        return on(kind, () -> {
            String target = targets(kind, 1).get(0);
            List<ProcessBuilder> pipeline = stages.to(target);
            Path stderr = runDir().resolve("stderr.log");
            for (ProcessBuilder stage : pipeline) {
                if (stage.redirectError() == ProcessBuilder.Redirect.PIPE) {
                    stage.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
                }
            }
            CommandRun run = CommandRun.of(pipeline, Long.MAX_VALUE, ONE_SHOT_TIMEOUT_SECONDS);
            String failure = run.succeeded() ? (verify ? check(target, data.single) : null)
                    : "exit codes " + run.exitCodes() + " (see " + stderr + ")";
            removeFiles(List.of(target));
            return logged(new Measurement("peers", subject, kind, 1, 0, data.single.volumeBytes(), -1, run.seconds(),
                    run.peakRssBytes().stream().mapToLong(Long::longValue).sum(), -1, run.totalCpuSeconds(),
                    failure, note));
        });
    }

    /** The cluster's own write benchmark: 4 MiB sequential writes, 16 in flight, as much as the large volume. */
    private Measurement rbdBench() throws IOException, InterruptedException {
        String image = image(targets(RBD, 1).get(0));
        long bytes = data.single.volumeBytes();
        ceph.create(image, bytes);
        Path out = runDir().resolve("rbd-bench.out");
        CommandRun run = CommandRun.of(List.of(rbd("bench", "--io-type", "write", "--io-size", "4M", "--io-threads",
                "16", "--io-pattern", "seq", "--io-total", Long.toString(bytes), CephPool.POOL + "/" + image)
                .redirectErrorStream(true).redirectOutput(out.toFile())), Long.MAX_VALUE, ONE_SHOT_TIMEOUT_SECONDS);
        String summary = Files.readAllLines(out).stream().filter(l -> l.startsWith("elapsed:")).findFirst()
                .orElse(null);
        if (!run.succeeded() || summary == null) {
            return logged(Measurement.failed("peers", RBD_BENCH, RBD, 1, 0, bytes, run.maxPeakRssBytes(),
                    "rbd bench failed: see " + out));
        }
        // rbd bench's own rate: its elapsed time is printed in whole seconds only
        return logged(new Measurement("peers", RBD_BENCH, RBD, 1, 0, bytes, bytes, bytes / bytesPerSecond(summary),
                run.maxPeakRssBytes(), -1, run.totalCpuSeconds(), null, "bytes/sec as rbd bench reports it"));
    }

    private ProcessBuilder agentRestore(List<String> args) throws IOException {
        return launcher.command(concat(List.of("restore"), args), runDir().resolve("agent.log"));
    }

    private ProcessBuilder rbd(String... args) {
        return new ProcessBuilder(concat(List.of("rbd", "-c", cephConf.toString()), List.of(args)))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Measurement logged(Measurement m) {
        log.accept(describe(m));
        return m;
    }

    // rbd bench prints a plain number or a binary unit with one or more decimals: "810 MiB/s", "1.2 GiB/s"
    private static final Pattern RATE = Pattern.compile("bytes/sec:\\s*([0-9.]+)\\s*(?:([KMGT])iB/s)?");

    static double bytesPerSecond(String rbdBenchSummary) {
        Matcher m = RATE.matcher(rbdBenchSummary);
        if (!m.find()) {
            throw new IllegalArgumentException("no bytes/sec in rbd bench's summary: " + rbdBenchSummary);
        }
        int shift = m.group(2) == null ? 0 : 10 * ("KMGT".indexOf(m.group(2)) + 1);
        return Double.parseDouble(m.group(1)) * (1L << shift);
    }

    /** Null when {@code target} holds the backup's volume; else what differs. */
    private String check(String target, DataSet.Backup backup) throws IOException {
        String md5 = target.startsWith("rbd:") ? ceph.md5(image(target), backup.volumeBytes())
                : dev.restoreagent.bench.Md5.hex(Path.of(target));
        return md5.equals(backup.volumeMd5()) ? null
                : "restored data differ: md5 " + md5 + " of " + target + ", expected " + backup.volumeMd5();
    }

    private List<String> targets(String kind, int n) throws IOException {
        int run = ++runNumber;
        List<String> targets = new ArrayList<>();
        Path dir = work.resolve("targets");
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            String name = String.format("bench-%03d-%02d", run, i);
            targets.add(kind.equals(RBD) ? CephPool.target(name) : dir.resolve(name + ".img").toString());
        }
        return targets;
    }

    // images go away with their cluster
    private static void removeFiles(List<String> targets) throws IOException {
        for (String target : targets) {
            if (!target.startsWith("rbd:")) {
                Files.deleteIfExists(Path.of(target));
            }
        }
    }

    private Path runDir() throws IOException {
        Path dir = work.resolve("runs").resolve(String.format("%03d", runNumber));
        Files.createDirectories(dir);
        return dir;
    }

    private static String image(String target) {
        return target.substring(target.indexOf('/') + 1);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static String describe(Measurement m) {
        return String.format("%-10s %-36s %-4s N=%-2d %s", m.scenario(), m.subject(), m.target(), m.n(),
                m.ok() ? String.format("%7.2f s %8.1f MiB/s  peak RSS %6d MiB  CPU %6.1f s", m.seconds(),
                        m.mibPerSecond(), m.peakRssBytes() >> 20, m.cpuSeconds())
                        : "FAILED: " + m.failure());
    }
}

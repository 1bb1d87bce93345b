package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.testkit.CephBackupCluster;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.CinderDriver.CephBackup;
import dev.restoreagent.testkit.CinderDriver.CephBackupSpec;
import dev.restoreagent.testkit.CinderDriver.VolumeEdit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Section 6: restores of backups Cinder's own CephBackupDriver wrote (an RBD volume of the volume cluster, full
 * then incremental, into pool {@code backups} of a second cluster, as kolla-ansible deploys it). Into a new image:
 * the agent's one-shot CLI against Cinder's own restore (its {@code rbd export-diff | rbd import-diff}), the same
 * pipe by hand and {@code rbd deep cp} (within the backup cluster: it cannot cross clusters). Into an image that
 * holds data: the agent against Cinder's full copy ({@code _transfer_data}). Beside them {@code rbd bench} writing the
 * snapshot's bytes: the volume cluster's own write time for them, which no restore beats. Then, of a smaller
 * volume, {@link CephPlan#n()} restores at once through one daemon from its ceph store into new images, beside
 * {@code rbd bench} writing as many bytes.
 */
final class CephScenarios {
    static final String NEW_IMAGE = "ceph-new";
    static final String HELD = "ceph-held";
    static final String MANY = "ceph-many";
    /** A set-up step (a cluster, a backup) that failed, so the runs after it could not be made. */
    static final String SETUP = "ceph-setup";
    static final String AGENT = "agent one-shot";
    static final String AGENT_DAEMON = "agent daemon (running)";
    static final String CINDER_DIFF = "Cinder's restore: export-diff | import-diff";
    static final String RBD_DIFF = "rbd export-diff SNAP - | rbd import-diff - NEW";
    static final String DEEP_CP = "rbd deep cp SNAP NEW (backup cluster)";
    static final String CINDER_FULL = "Cinder's restore: _transfer_data full copy";
    static final String AGENT_MANY = "agent daemon";
    static final String RBD_BENCH = "rbd bench write 4M, same total";
    static final String RBD_BENCH_AFTER = "rbd bench write 4M, same total, after the restores";
    static final String CEILING = "rbd bench write 4M, the snapshot's bytes";
    /** The backup cluster's directory under the work directory; the harness's shutdown hook stops it. */
    static final String BACKUP_CLUSTER_DIR = "ceph-backups";
    /** Cinder's driver path names, as its debug lines tell them (see cinder_rbd_restore.py). */
    static final String DIFF_PATH = "diff";
    static final String FULL_PATH = "full";
    /** The store's name in the daemon's agent.conf. */
    private static final String STORE = "backups";
    private static final String HELPER = "cinder_rbd_restore.py";
    private static final long TIMEOUT_SECONDS = 30 * 60;
    private static final Duration MANY_TIMEOUT = Duration.ofMinutes(60);
    /**
     * The most rbd bench writes before it wraps around: well above what it is asked to write, since writes over
     * objects it made before cost the OSD far less than the first (measured: 1331 MiB/s wrapping over 1 GiB, about
     * 300 MiB/s into new objects), and every restore writes new objects.
     */
    private static final long BENCH_IMAGE_BYTES = 8 * BenchPlan.GIB;

    /** A volume's chain of backups, the incremental restored; its source volume is gone by then. */
    record Chain(String volumeId, CephBackup backup, long volumeBytes, long allocatedBytes) {
        /** {@code POOL/IMAGE@SNAP} of the backup in the backup cluster. */
        String snapshot() {
            return backup.pool() + "/" + backup.baseImage() + "@" + backup.snapshot();
        }
    }

    private final BenchPlan plan;
    private final CephPlan cephPlan;
    private final Path root;
    private final Path work;
    private final AgentLauncher launcher;
    private final Consumer<String> log;
    private final Path runLog;
    private int runNumber;
    // the run's clusters and Cinder, set by run()
    private Path volumeConf;
    private CephBackupCluster backups;
    private CinderDriver cinder;
    private Path cinderDir;
    private Path helper;

    CephScenarios(BenchPlan plan, CephPlan cephPlan, Path root, Path work, AgentLauncher launcher,
                  Consumer<String> log) {
        this.plan = plan;
        this.cephPlan = cephPlan;
        this.root = root;
        this.work = work.resolve("ceph-section");
        this.launcher = launcher;
        this.log = log;
        this.runLog = this.work.resolve("runs").resolve("commands.log");
    }

    /** Both clusters, the backups, then every run; a step that fails ends the section with a failed row. */
    List<Measurement> run() throws IOException, InterruptedException {
        Files.createDirectories(work.resolve("runs"));
        Path clusterLog = work.resolve("ceph.log");
        List<Measurement> all = new ArrayList<>();
        // the harness's shutdown hook stops the clusters in these directories
        try (CephCluster volumes = CephCluster.start(root, work.getParent().resolve(Scenarios.CLUSTER_DIR),
                cephPlan.memstoreBytes(), clusterLog);
             CephCluster backupCluster = CephCluster.startBackups(root,
                     work.getParent().resolve(BACKUP_CLUSTER_DIR), cephPlan.memstoreBytes(), clusterLog)) {
            volumeConf = volumes.conf();
            backups = backupCluster.backupCluster();
            cinderDir = work.resolve("cinder");
            cinder = CinderDriver.ceph(backups, volumeConf, cinderDir);
            helper = cinderDir.resolve(HELPER);
            try (InputStream in = CephScenarios.class.getResourceAsStream(HELPER)) {
                if (in == null) {
                    throw new IOException(HELPER + " is not in the bench jar");
                }
                Files.copy(in, helper, StandardCopyOption.REPLACE_EXISTING);
            }
            measure(all);
        } catch (IOException e) {
            log.accept("section 6 could not finish: " + e.getMessage());
            all.add(Measurement.failed(SETUP, "section 6", Scenarios.RBD, 1, 0, cephPlan.volumeBytes(), 0,
                    e.getMessage()));
        }
        return all;
    }

    private void measure(List<Measurement> all) throws IOException, InterruptedException {
        Chain chain = chain("restored", cephPlan.volumeBytes(), cephPlan.allocatedBytes());
        try {
            for (int round = 0; round < cephPlan.repeats(); round++) {
                all.add(agentNew(chain));
                all.add(agentDaemon(NEW_IMAGE, chain, false));
                all.add(cinder(NEW_IMAGE, CINDER_DIFF, chain, false, DIFF_PATH));
                all.add(rbdDiff(chain));
                all.add(deepCopy(chain));
                all.add(rbdBench(NEW_IMAGE, CEILING, chain.allocatedBytes(), "the volume cluster's own write time"
                        + " for the snapshot's bytes: no restore into it can take less"));
            }
            for (int round = 0; round < cephPlan.repeats(); round++) {
                all.add(agentHeld(chain));
                all.add(agentDaemon(HELD, chain, true));
                all.add(cinder(HELD, CINDER_FULL, chain, true, FULL_PATH));
            }
        } finally {
            cinder.removeCephVolume(chain.volumeId());
        }
        // the first chain's RAM back before the second is made
        Chain small = chain("many", cephPlan.manyVolumeBytes(), cephPlan.manyAllocatedBytes());
        try {
            // the cluster's own rate first, as the restores find it; and again after them: once, the memstore OSD
            // wrote several times faster after the restores than before (1.6 GiB/s against about 200), unexplained
            all.add(rbdBench(MANY, RBD_BENCH, cephPlan.n() * small.allocatedBytes(), "the volume cluster, before the"
                    + " restores; as many bytes as their snapshots hold"));
            Measurement many = many(small);
            all.add(many);
            long written = many.ok() && many.writtenBytes() > 0 ? many.writtenBytes()
                    : cephPlan.n() * small.allocatedBytes();
            all.add(rbdBench(MANY, RBD_BENCH_AFTER, written, "the volume cluster, after the restores; as many bytes"
                    + " as they wrote"));
        } finally {
            cinder.removeCephVolume(small.volumeId());
        }
    }

    /**
     * Cinder's Ceph driver backs up an RBD volume of {@code volumeBytes}: full, with {@code allocatedBytes} of
     * disk-like data in {@link CephPlan#EXTENTS} extents, then incremental after the writes and the discard of
     * {@link CephPlan}. The source volume is removed afterwards (the backups do not need it; the OSD's RAM does).
     */
    private Chain chain(String label, long volumeBytes, long allocatedBytes) throws IOException {
        String volumeId = UUID.randomUUID().toString();
        String fullId = UUID.randomUUID().toString();
        int gib = Math.toIntExact(volumeBytes / BenchPlan.GIB);
        Path data = DataSet.makeVolume(work, "ceph-" + label, allocatedBytes, CinderData.MIXED.zeroRuns(),
                CinderData.MIXED.textRuns());
        List<Path> pieces = new ArrayList<>();
        try {
            // one edit writes one whole file: the data in pieces, so every extent holds bytes of its own
            List<VolumeEdit> fullEdits = new ArrayList<>();
            long at = 0;
            try (FileChannel in = FileChannel.open(data)) {
                for (CephPlan.Extent e : CephPlan.fullExtents(volumeBytes, allocatedBytes)) {
                    Path piece = work.resolve(label + "-full-" + pieces.size() + ".raw");
                    pieces.add(piece);
                    try (FileChannel out = FileChannel.open(piece, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                        for (long done = 0; done < e.length(); ) {
                            done += in.transferTo(at + done, e.length() - done, out);
                        }
                    }
                    at += e.length();
                    fullEdits.add(VolumeEdit.write(e.offset(), piece));
                }
            }
            Files.delete(data);
            log.accept(f("Cinder's Ceph driver backs up a %d GiB RBD volume with %s of data, full", gib,
                    TargetCheck.mib(allocatedBytes)));
            cinder.backupCeph(CephBackupSpec.rbd(fullId, volumeId, null, gib, fullEdits),
                    work.resolve(label + "-full-record.json"));
            List<VolumeEdit> incrementEdits = new ArrayList<>();
            Random random = new Random(2026);
            for (CephPlan.Extent e : CephPlan.incrementWrites(volumeBytes, allocatedBytes)) {
                Path piece = work.resolve(label + "-increment-" + pieces.size() + ".raw");
                pieces.add(piece);
                writeRandom(piece, e.length(), random);
                incrementEdits.add(VolumeEdit.write(e.offset(), piece));
            }
            CephPlan.Extent discard = CephPlan.incrementDiscard(volumeBytes, allocatedBytes);
            incrementEdits.add(VolumeEdit.discard(discard.offset(), discard.length()));
            log.accept("Cinder's Ceph driver backs it up again after writes and a discard, incremental");
            CephBackup increment = cinder.backupCeph(CephBackupSpec.rbd(UUID.randomUUID().toString(), volumeId,
                    fullId, gib, incrementEdits), work.resolve(label + "-increment-record.json"));
            if (increment.snapshot() == null) {
                throw new IOException("Cinder's driver left no snapshot for the incremental backup");
            }
            removeImage(volumeConf, "admin", CephPool.POOL + "/volume-" + volumeId);
            return new Chain(volumeId, increment, volumeBytes,
                    CephPlan.allocatedAfterIncrement(volumeBytes, allocatedBytes));
        } finally {
            Files.deleteIfExists(data);
            for (Path piece : pieces) {
                Files.deleteIfExists(piece);
            }
        }
    }

    private static void writeRandom(Path file, long bytes, Random random) throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < bytes; done += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, bytes - done));
            }
        }
    }

    /** The agent's one-shot restore by export record into a new image it creates. */
    private Measurement agentNew(Chain chain) throws IOException, InterruptedException {
        String image = f("agent-%03d", ++runNumber);
        return agentOneShot(NEW_IMAGE, chain, image, true);
    }

    /** The same into an image of the volume's size that already holds data: the agent zeroes what the backup lacks. */
    private Measurement agentHeld(Chain chain) throws IOException, InterruptedException {
        String image = f("held-%03d", ++runNumber);
        createHoldingData(image, chain);
        return agentOneShot(HELD, chain, image, false);
    }

    private Measurement agentOneShot(String scenario, Chain chain, String image, boolean create)
            throws IOException, InterruptedException {
        String target = CephPool.target(image);
        List<String> args = new ArrayList<>(List.of("restore", "--cinder-record", chain.backup().recordFile()
                        .toString(), "--backup-ceph-conf", backups.conf().toString(), "--backup-ceph-user",
                backups.restoreAgentId(), "--to", target, "--ceph-conf", volumeConf.toString(), "--memory-budget",
                Long.toString(plan.budgetBytes()), "--progress", "none"));
        if (create) {
            args.add("--create");
        }
        Path agentLog = work.resolve("runs").resolve("agent.log");
        Commands.run(List.of("sync"), runLog);
        CommandRun run = CommandRun.of(List.of(launcher.command(args, agentLog)), Long.MAX_VALUE, TIMEOUT_SECONDS);
        String failure = run.succeeded() ? check(volumeConf, "admin", CephPool.POOL + "/" + image, chain)
                : "exit codes " + run.exitCodes() + " (see " + agentLog + ")";
        removeImage(volumeConf, "admin", CephPool.POOL + "/" + image);
        return logged(new Measurement(scenario, AGENT, Scenarios.RBD, 1, 0, chain.volumeBytes(), -1, run.seconds(),
                run.maxPeakRssBytes(), -1, run.totalCpuSeconds(), failure, "whole process: JVM start included"));
    }

    /**
     * The same restore through a daemon that is up already, as on a storage node (and as cinder-backup is): the
     * one-shot's time without the JVM's start. Into a new image it creates, or one that holds data.
     */
    private Measurement agentDaemon(String scenario, Chain chain, boolean holdingData)
            throws IOException, InterruptedException {
        String image = f("%s-%03d", holdingData ? "held" : "daemon", ++runNumber);
        if (holdingData) {
            createHoldingData(image, chain);
        }
        Path dir = work.resolve("runs").resolve(f("daemon-%03d", runNumber));
        Files.createDirectories(dir);
        RestoreRequest request = new RestoreRequest(null, chain.backup().backupId(), null, null, null, null,
                CephPool.target(image), holdingData ? null : Boolean.TRUE, null, null, null, null, null, null, null,
                STORE, null, chain.volumeId(), null, null);
        Commands.run(List.of("sync"), runLog);
        AgentDaemon.Outcome outcome;
        try (AgentDaemon daemon = AgentDaemon.start(launcher, dir, plan.budgetBytes(), true, volumeConf, work,
                stores())) {
            outcome = daemon.restore(List.of(request), MANY_TIMEOUT);
        }
        String failure = outcome.failure() != null ? outcome.failure()
                : check(volumeConf, "admin", CephPool.POOL + "/" + image, chain);
        removeImage(volumeConf, "admin", CephPool.POOL + "/" + image);
        return logged(new Measurement(scenario, AGENT_DAEMON, Scenarios.RBD, 1, 0, chain.volumeBytes(),
                outcome.writtenBytes(), outcome.seconds(), outcome.peakRssBytes(), outcome.directPeakBytes(),
                outcome.cpuSeconds(), failure, "from submission to the job's end; CPU: the daemon's during the job"));
    }

    /** The daemon's store of the backup cluster, read-only, as agent.conf names it. */
    private List<String> stores() {
        return List.of("store." + STORE + ".type = ceph", "store." + STORE + ".conf = " + backups.conf(),
                "store." + STORE + ".user = " + backups.restoreAgentId(),
                "store." + STORE + ".keyring = " + backups.restoreAgentKeyring(),
                "store." + STORE + ".pool = " + backups.pool());
    }

    /**
     * Cinder's own restore into the RBD volume {@code volume-ID} as the backup manager runs it (cinder_rbd_restore.py):
     * a new empty volume takes the driver's export-diff | import-diff, one that holds data ({@code holdingData})
     * its full copy; a row whose driver took another path than {@code expectedPath} fails.
     */
    private Measurement cinder(String scenario, String subject, Chain chain, boolean holdingData,
                               String expectedPath) throws IOException, InterruptedException {
        String volumeId = UUID.randomUUID().toString();
        String image = "volume-" + volumeId;
        ++runNumber;
        if (holdingData) {
            createHoldingData(image, chain);
        }
        Path script = cinderDir.resolve("cinder_driver.py");
        Path db = cinderDir.resolve("cinder-ceph.sqlite");
        if (!Files.exists(script) || !Files.exists(db)) {
            throw new IOException("the test kit's CinderDriver no longer keeps " + script + " and " + db);
        }
        Path out = work.resolve("runs").resolve(f("cinder-%03d.json", runNumber));
        Path err = work.resolve("runs").resolve(f("cinder-%03d.log", runNumber));
        ProcessBuilder pb = new ProcessBuilder(CinderDriver.PYTHON.toString(), helper.toString(), script.toString(),
                "--db", db.toString(), "--backup-id", chain.backup().backupId(), "--target-volume-id", volumeId)
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // what CinderDriver.ceph gives its script: the backup cluster as Cinder's driver writes it, the volumes'
        pb.environment().putAll(Map.of("BACKUP_CEPH_CONF", backups.conf().toString(), "BACKUP_CEPH_CINDER_USER",
                backups.cinderBackupId(), "BACKUP_CEPH_POOL", backups.pool(), "CEPH_CONF", volumeConf.toString()));
        Commands.run(List.of("sync"), runLog);
        Process p = pb.start();
        long childrenPeak;
        int children;
        try (ProcessWatch watch = ProcessWatch.ofTree(p.toHandle(), ProcessWatch.running("rbd"))) {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            // the rbd commands of the diff path, sampled; the Python process reports its own step
            childrenPeak = watch.descendantsPeakRssBytes();
            children = watch.descendantsSeen();
        }
        Measurement m;
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(err);
            m = Measurement.failed(scenario, subject, Scenarios.RBD, 1, 0, chain.volumeBytes(), 0, "exit "
                    + p.exitValue() + ": " + (lines.isEmpty() ? "" : lines.get(lines.size() - 1)) + " (see " + err
                    + ")");
        } else {
            JsonNode r = new ObjectMapper().readTree(out.toFile());
            String path = r.path("path").asText("none");
            String failure = !path.equals(expectedPath)
                    ? "Cinder's driver took its " + path + " path, not " + expectedPath + " (see " + err + ")"
                    : check(volumeConf, "admin", CephPool.POOL + "/" + image, chain);
            long python = r.get("peak_rss_bytes").asLong();
            double pythonCpu = r.get("cpu_seconds").asDouble();
            double childrenCpu = r.get("children_cpu_seconds").asDouble();
            m = new Measurement(scenario, subject, Scenarios.RBD, 1, 0, chain.volumeBytes(), -1,
                    r.get("seconds").asDouble(), python + childrenPeak, -1, pythonCpu + childrenCpu, failure,
                    f("the step only; peak RSS: Python %d MiB (%d MiB before the step) + %d rbd processes %d MiB;"
                                    + " CPU: Python %.2f s + rbd %.2f s", python >> 20,
                            r.get("rss_before_bytes").asLong() >> 20, children, childrenPeak >> 20, pythonCpu,
                            childrenCpu));
        }
        removeImage(volumeConf, "admin", CephPool.POOL + "/" + image);
        return logged(m);
    }

    /** What an operator would type: the snapshot's whole diff piped into a new image of the volume's size. */
    private Measurement rbdDiff(Chain chain) throws IOException, InterruptedException {
        String image = CephPool.POOL + f("/diff-%03d", ++runNumber);
        rbd(volumeConf, "admin", "create", "--size", (chain.volumeBytes() >> 20) + "M", image);
        Commands.run(List.of("sync"), runLog);
        CommandRun run = CommandRun.of(List.of(
                rbdStage(backups.conf(), backups.restoreAgentId(), "export-diff", "--no-progress", chain.snapshot(),
                        "-"),
                rbdStage(volumeConf, "admin", "import-diff", "--no-progress", "-", image)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)), Long.MAX_VALUE,
                TIMEOUT_SECONDS);
        String failure = run.succeeded() ? check(volumeConf, "admin", image, chain)
                : "exit codes " + run.exitCodes() + " (see " + runLog + ")";
        removeImage(volumeConf, "admin", image);
        return logged(new Measurement(NEW_IMAGE, RBD_DIFF, Scenarios.RBD, 1, 0, chain.volumeBytes(), -1,
                run.seconds(), run.peakRssBytes().stream().mapToLong(Long::longValue).sum(), -1,
                run.totalCpuSeconds(), failure, "peak RSS and CPU: both rbd processes summed"));
    }

    /** {@code rbd deep cp} of the snapshot into a new image of the backup cluster (it cannot cross clusters). */
    private Measurement deepCopy(Chain chain) throws IOException, InterruptedException {
        String image = backups.pool() + f("/deepcp-%03d", ++runNumber);
        Commands.run(List.of("sync"), runLog);
        CommandRun run = CommandRun.of(List.of(rbdStage(backups.conf(), backups.cinderBackupId(), "deep", "cp",
                "--no-progress", chain.snapshot(), image).redirectOutput(ProcessBuilder.Redirect.DISCARD)),
                Long.MAX_VALUE, TIMEOUT_SECONDS);
        String failure = run.succeeded() ? check(backups.conf(), backups.restoreAgentId(), image, chain)
                : "exit codes " + run.exitCodes() + " (see " + runLog + ")";
        removeImage(backups.conf(), backups.cinderBackupId(), image);
        return logged(new Measurement(NEW_IMAGE, DEEP_CP, Scenarios.RBD, 1, 0, chain.volumeBytes(), -1,
                run.seconds(), run.maxPeakRssBytes(), -1, run.totalCpuSeconds(), failure,
                "within the backup cluster, as its user cinder-backup; copies the snapshots before it too"));
    }

    /**
     * {@link CephPlan#n()} restores of the chain's backup at once through one daemon, each into a new image of the
     * volume cluster that it creates; each image checked, then removed.
     */
    private Measurement many(Chain chain) throws IOException, InterruptedException {
        Path dir = work.resolve("runs").resolve(f("daemon-%03d", ++runNumber));
        Files.createDirectories(dir);
        List<String> images = new ArrayList<>();
        List<RestoreRequest> requests = new ArrayList<>();
        for (int i = 0; i < cephPlan.n(); i++) {
            String image = f("many-%03d-%02d", runNumber, i);
            images.add(image);
            requests.add(new RestoreRequest(null, chain.backup().backupId(), null, null, null, null,
                    CephPool.target(image), Boolean.TRUE, null, null, null, null, null, null, null, STORE, null,
                    chain.volumeId(), null, null));
        }
        Commands.run(List.of("sync"), runLog);
        AgentDaemon.Outcome outcome;
        try (AgentDaemon daemon = AgentDaemon.start(launcher, dir, plan.budgetBytes(), true, volumeConf, work,
                stores())) {
            outcome = daemon.restore(requests, MANY_TIMEOUT);
        }
        String failure = outcome.failure();
        for (String image : images) {
            String spec = CephPool.POOL + "/" + image;
            if (failure == null) {
                failure = check(volumeConf, "admin", spec, chain);
            }
            // an image the daemon did not get to make is not there: nothing to remove
            Commands.output(List.of("bash", "-c", "rbd -c \"$1\" rm --no-progress \"$2\" 2>>\"$3\" || true", "bash",
                    volumeConf.toString(), spec, runLog.toString()));
        }
        return logged(new Measurement(MANY, AGENT_MANY, Scenarios.RBD, cephPlan.n(), 0,
                cephPlan.n() * chain.volumeBytes(), outcome.writtenBytes(), outcome.seconds(), outcome.peakRssBytes(),
                outcome.directPeakBytes(), outcome.cpuSeconds(), failure, null));
    }

    /**
     * The volume cluster's write ceiling for {@code written} bytes: {@code rbd bench} writing them in 4 MiB
     * sequential writes, 16 in flight, wrapping over an image of at most {@link #BENCH_IMAGE_BYTES}.
     */
    private Measurement rbdBench(String scenario, String subject, long written, String note)
            throws IOException, InterruptedException {
        long total = (written + CephPlan.OBJECT_BYTES - 1) / CephPlan.OBJECT_BYTES * CephPlan.OBJECT_BYTES;
        String image = CephPool.POOL + f("/bench-%03d", ++runNumber);
        rbd(volumeConf, "admin", "create", "--size", (Math.min(total, BENCH_IMAGE_BYTES) >> 20) + "M", image);
        Path out = work.resolve("runs").resolve(f("rbd-bench-%03d.out", runNumber));
        Commands.run(List.of("sync"), runLog);
        CommandRun run = CommandRun.of(List.of(rbdStage(volumeConf, "admin", "bench", "--io-type", "write",
                "--io-size", "4M", "--io-threads", "16", "--io-pattern", "seq", "--io-total", Long.toString(total),
                image).redirectErrorStream(true).redirectOutput(out.toFile())), Long.MAX_VALUE, TIMEOUT_SECONDS);
        removeImage(volumeConf, "admin", image);
        String summary = Files.readAllLines(out).stream().filter(l -> l.startsWith("elapsed:")).findFirst()
                .orElse(null);
        if (!run.succeeded() || summary == null) {
            return logged(Measurement.failed(scenario, subject, Scenarios.RBD, 1, 0, total, run.maxPeakRssBytes(),
                    "rbd bench failed: see " + out));
        }
        // rbd bench's own rate: its elapsed time is printed in whole seconds only
        return logged(new Measurement(scenario, subject, Scenarios.RBD, 1, 0, total, total,
                total / Scenarios.bytesPerSecond(summary), run.maxPeakRssBytes(), -1, run.totalCpuSeconds(), null,
                f("%s; bytes/sec as rbd bench reports it, %s over an image of %s", note, TargetCheck.mib(total),
                        TargetCheck.mib(Math.min(total, BENCH_IMAGE_BYTES)))));
    }

    /**
     * A new image of the chain's volume size holding some data ({@code rbd bench} writes, a quarter of what the
     * backup holds, at random offsets): Cinder's driver sees its extents and takes the full copy.
     */
    private void createHoldingData(String image, Chain chain) throws IOException {
        String spec = CephPool.POOL + "/" + image;
        rbd(volumeConf, "admin", "create", "--size", (chain.volumeBytes() >> 20) + "M", spec);
        long fill = Math.max(CephPlan.OBJECT_BYTES, chain.allocatedBytes() / 4 / CephPlan.OBJECT_BYTES
                * CephPlan.OBJECT_BYTES);
        rbd(volumeConf, "admin", "bench", "--io-type", "write", "--io-size", "4M", "--io-pattern", "rand",
                "--io-total", Long.toString(fill), spec);
    }

    /** Null when {@code image} holds the volume as the backup saw it (sha256 of its export); else what differs. */
    private String check(Path conf, String id, String image, Chain chain) throws IOException {
        return check(List.of("bash", "-c", "set -o pipefail; rbd -c \"$1\" --id \"$2\" export --no-progress \"$3\" -"
                + " 2>>\"$4\" | openssl dgst -sha256 -r", "bash", conf.toString(), id, image, runLog.toString()), image,
                chain);
    }

    private static String check(List<String> command, String target, Chain chain) throws IOException {
        String out = Commands.output(command).strip();
        String sha256 = out.split("\\s+")[0];
        return sha256.equals(chain.backup().sha256()) ? null
                : "restored data differ: sha256 " + sha256 + " of " + target + ", expected " + chain.backup().sha256();
    }

    private void removeImage(Path conf, String id, String image) throws IOException {
        // a deep copy brings the snapshots along, and the source volume keeps Cinder's last one
        rbd(conf, id, "snap", "purge", "--no-progress", image);
        rbd(conf, id, "rm", "--no-progress", image);
    }

    private void rbd(Path conf, String id, String... args) throws IOException {
        ProcessBuilder pb = rbdStage(conf, id, args);
        Commands.run(pb.command(), runLog);
    }

    /** {@code rbd -c CONF --id ID ARGS...}, its stderr to the section's command log; stdout still a pipe. */
    private ProcessBuilder rbdStage(Path conf, String id, String... args) {
        List<String> command = new ArrayList<>(List.of("rbd", "-c", conf.toString(), "--id", id));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(runLog.toFile()));
    }

    private Measurement logged(Measurement m) {
        log.accept(Scenarios.describe(m));
        return m;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

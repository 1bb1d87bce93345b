package dev.restoreagent.bench.e2e;

import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.bench.Md5;
import dev.restoreagent.testkit.CinderDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Section 5: the agent's one-shot restore from S3 (Cinder's S3BackupDriver's backup, on the throwaway cluster's
 * RADOS Gateway) against the same restore from posix (Cinder's PosixBackupDriver's backup of the same volume in
 * objects of the same size), in interleaved rounds; then {@link S3Plan#n()} restores from S3 at once through one
 * daemon whose agent.conf names the gateway as a store.
 */
final class S3Scenarios {
    static final String ONE_SHOT = "s3-one-shot";
    static final String MANY = "s3-many";
    /** One restore through a running daemon from each store: the one-shot's difference without the JVM's start. */
    static final String DAEMON_ONE = "s3-daemon-one";
    static final String FROM_POSIX = "agent one-shot: posix";
    static final String FROM_S3 = "agent one-shot: S3";
    static final String DAEMON_S3 = "agent daemon: S3";
    static final String DAEMON_POSIX = "agent daemon: posix";
    /** The store's name in the daemon's agent.conf. */
    private static final String STORE = "rgw";
    private static final long TIMEOUT_SECONDS = 30 * 60;
    private static final Duration MANY_TIMEOUT = Duration.ofMinutes(60);

    private final BenchPlan plan;
    private final S3Plan s3Plan;
    private final Path root;
    private final Path work;
    private final AgentLauncher launcher;
    private final Consumer<String> log;
    private double zeroFraction = Double.NaN;
    private int runNumber;
    private int daemonNumber;
    /** The cluster behind the gateway, once {@link #run()} started it. */
    private ServerCpu gatewayCpu;

    S3Scenarios(BenchPlan plan, S3Plan s3Plan, Path root, Path work, AgentLauncher launcher, Consumer<String> log) {
        this.plan = plan;
        this.s3Plan = s3Plan;
        this.root = root;
        this.work = work.resolve("s3");
        this.launcher = launcher;
        this.log = log;
    }

    /** The share of the volume's 4 KiB blocks that are all zero, once {@link #run()} made it. */
    double zeroFraction() {
        return zeroFraction;
    }

    /** The backups of both drivers and then every run; a cluster or backup that fails becomes failed rows. */
    List<Measurement> run() throws IOException, InterruptedException {
        Files.createDirectories(work.resolve("runs"));
        Path clusterLog = work.resolve("ceph.log");
        // the harness's shutdown hook stops the cluster in this directory
        Path clusterDir = work.getParent().resolve(Scenarios.CLUSTER_DIR);
        try (CephCluster cluster = CephCluster.start(root, clusterDir, s3Plan.memstoreBytes(), true, clusterLog)) {
            Map<String, String> gateway = cluster.gatewayEnvironment();
            gatewayCpu = new ServerCpu(clusterDir);
            Path volume = DataSet.makeVolume(work, "s3-mixed", s3Plan.volumeBytes(), CinderData.MIXED.zeroRuns(),
                    CinderData.MIXED.textRuns());
            zeroFraction = DataSet.zeroFraction(volume);
            String md5 = Md5.hex(volume);
            Path posixRoot = work.resolve("posix-backups");
            String posixId = UUID.randomUUID().toString();
            log.accept("Cinder's posix driver backs up the S3 section's volume, zlib");
            CinderDriver.posix(posixRoot, work.resolve("cinder-posix")).backup(spec(volume, posixId),
                    work.resolve("posix-record.json"));
            log.accept("Cinder's S3 driver backs up the same volume to the cluster's gateway, zlib");
            CinderDriver.Made s3 = CinderDriver.objectStore("s3", work.resolve("cinder-s3"), gateway)
                    .backup(spec(volume, UUID.randomUUID().toString()), work.resolve("s3-record.json"));
            return measure(gateway, posixRoot, posixId, s3.recordFile(), md5);
        } catch (IOException e) {
            log.accept("section 5 could not run: " + e.getMessage());
            return List.of(failed(ONE_SHOT, FROM_S3, 1, e.getMessage()), failed(MANY, DAEMON_S3, s3Plan.n(),
                    e.getMessage()));
        }
    }

    private CinderDriver.BackupSpec spec(Path volume, String id) {
        return new CinderDriver.BackupSpec(volume, id, UUID.randomUUID().toString(), null, "zlib",
                s3Plan.objectBytes(), null, null);
    }

    private List<Measurement> measure(Map<String, String> gateway, Path posixRoot, String posixId, Path s3Record,
                                      String md5) throws IOException, InterruptedException {
        List<Measurement> all = new ArrayList<>();
        String budget = Long.toString(plan.budgetBytes());
        List<String> fromPosix = List.of("--backup-root", posixRoot.toString(), "--backup-id", posixId,
                "--memory-budget", budget, "--progress", "none");
        List<String> fromS3 = List.of("--s3-endpoint", gateway.get("RGW_ENDPOINT"), "--cinder-record",
                s3Record.toString(), "--memory-budget", budget, "--progress", "none");
        // the SDK's standard chain: the keys in the environment, as an operator's shell would have them
        Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", gateway.get("RGW_S3_ACCESS_KEY"),
                "AWS_SECRET_ACCESS_KEY", gateway.get("RGW_S3_SECRET_KEY"));
        for (int round = 0; round < s3Plan.repeats(); round++) {
            boolean verify = round == 0;
            all.add(oneShot(FROM_POSIX, fromPosix, Map.of(), md5, verify));
            double before = gatewayCpu.seconds();
            Measurement fromGateway = oneShot(FROM_S3, fromS3, keys, md5, verify);
            all.add(fromGateway.withServerCpu(gatewayCpu.seconds() - before));
        }
        // the daemon's CPU and time without a JVM's and the S3 client's start, once each
        all.add(throughDaemon(DAEMON_ONE, DAEMON_POSIX, 1, gateway, md5, target -> new RestoreRequest(
                posixRoot.toString(), posixId, null, null, null, null, target.toString(), null, null, null, null,
                null, null, null, null, null, null)));
        double before = gatewayCpu.seconds();
        Measurement one = throughDaemon(DAEMON_ONE, DAEMON_S3, 1, gateway, md5, target -> fromStore(s3Record, target));
        all.add(one.withServerCpu(gatewayCpu.seconds() - before));
        before = gatewayCpu.seconds();
        Measurement many = throughDaemon(MANY, DAEMON_S3, s3Plan.n(), gateway, md5,
                target -> fromStore(s3Record, target));
        all.add(many.withServerCpu(gatewayCpu.seconds() - before));
        return all;
    }

    private Measurement oneShot(String subject, List<String> source, Map<String, String> env, String md5,
                                boolean verify) throws IOException, InterruptedException {
        Path target = target();
        Path agentLog = work.resolve("runs").resolve("agent.log");
        List<String> args = new ArrayList<>(List.of("restore"));
        args.addAll(source);
        args.addAll(List.of("--to", target.toString()));
        ProcessBuilder pb = launcher.command(args, agentLog);
        pb.environment().putAll(env);
        Commands.run(List.of("sync"), agentLog);
        CommandRun run = CommandRun.of(List.of(pb), Long.MAX_VALUE, TIMEOUT_SECONDS);
        String failure = run.succeeded() ? (verify ? check(target, md5) : null)
                : "exit codes " + run.exitCodes() + " (see " + agentLog + ")";
        Files.deleteIfExists(target);
        return logged(new Measurement(ONE_SHOT, subject, Scenarios.FILE, 1, s3Plan.objectBytes(),
                s3Plan.volumeBytes(), -1, run.seconds(), run.maxPeakRssBytes(), -1, run.totalCpuSeconds(), failure,
                "whole process: JVM start included"));
    }

    private static RestoreRequest fromStore(Path s3Record, Path target) {
        return new RestoreRequest(null, null, null, s3Record.toString(), null, null, target.toString(), null, null,
                null, null, null, null, null, null, STORE, null);
    }

    /** {@code n} restores at once through a fresh daemon whose agent.conf names the gateway as a store. */
    private Measurement throughDaemon(String scenario, String subject, int n, Map<String, String> gateway,
                                      String md5, Function<Path, RestoreRequest> request)
            throws IOException, InterruptedException {
        Path dir = work.resolve("runs").resolve("daemon-" + ++daemonNumber);
        Files.createDirectories(dir);
        // the daemon reads the keys from a file agent.conf names; they never travel in a request
        Path credentials = dir.resolve("s3-credentials");
        Files.writeString(credentials, "[default]\naws_access_key_id = " + gateway.get("RGW_S3_ACCESS_KEY")
                + "\naws_secret_access_key = " + gateway.get("RGW_S3_SECRET_KEY") + "\n");
        List<String> stores = List.of("store." + STORE + ".type = s3",
                "store." + STORE + ".endpoint = " + gateway.get("RGW_ENDPOINT"),
                "store." + STORE + ".credentials_file = " + credentials);
        List<Path> targets = new ArrayList<>();
        List<RestoreRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path target = target();
            targets.add(target);
            requests.add(request.apply(target));
        }
        AgentDaemon.Outcome outcome;
        try (AgentDaemon daemon = AgentDaemon.start(launcher, dir, plan.budgetBytes(), true, null, work, stores)) {
            outcome = daemon.restore(requests, MANY_TIMEOUT);
        }
        String failure = outcome.failure() != null ? outcome.failure() : check(targets.get(0), md5);
        for (Path target : targets) {
            Files.deleteIfExists(target);
        }
        return logged(new Measurement(scenario, subject, Scenarios.FILE, n, s3Plan.objectBytes(),
                n * s3Plan.volumeBytes(), outcome.writtenBytes(), outcome.seconds(), outcome.peakRssBytes(),
                outcome.directPeakBytes(), outcome.cpuSeconds(), failure, null));
    }

    private Measurement failed(String scenario, String subject, int n, String why) {
        return Measurement.failed(scenario, subject, Scenarios.FILE, n, s3Plan.objectBytes(),
                n * s3Plan.volumeBytes(), 0, why);
    }

    private static String check(Path target, String md5) throws IOException {
        String got = Md5.hex(target);
        return got.equals(md5) ? null : "restored data differ: md5 " + got + " of " + target + ", expected " + md5;
    }

    private Path target() throws IOException {
        Path dir = work.resolve("targets");
        Files.createDirectories(dir);
        return dir.resolve(String.format("s3-%03d.img", ++runNumber));
    }

    private Measurement logged(Measurement m) {
        log.accept(Scenarios.describe(m));
        return m;
    }
}

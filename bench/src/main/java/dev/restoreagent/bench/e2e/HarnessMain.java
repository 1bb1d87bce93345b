package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The end-to-end benchmark behind {@code make bench} and {@code make bench-full}: makes the inputs, runs
 * every scenario side by side (each RBD run on a throwaway cluster of its own), and writes the Markdown report,
 * its plots and the raw measurements under {@code bench/results/<date>-<mode>/}.
 */
@Command(name = "bench-e2e", mixinStandardHelpOptions = true,
        description = "Measures the agent against the naive baseline and the peers; writes a report.")
public final class HarnessMain implements Callable<Integer> {
    private static final String README_START = "<!-- bench-headline:start -->";
    private static final String README_END = "<!-- bench-headline:end -->";
    /** The exit code when {@code --update-readme} refuses a noisy run (issue 22); README.md is left as it was. */
    static final int NOISY_RUN = 3;

    @Option(names = "--mode", defaultValue = "quick", description = "quick (about a minute) or full.")
    String mode;

    @Option(names = "--root", defaultValue = ".", description = "The checkout (bin/restore-agent, packaging/).")
    Path root;

    @Option(names = "--work", defaultValue = "bench/target/e2e-work",
            description = "Scratch directory for inputs and targets; emptied first.")
    Path work;

    @Option(names = "--out", description = "Report directory (default: bench/results/<date>-<mode>).")
    Path out;

    @Option(names = "--baseline-limit", paramLabel = "SIZE",
            description = "Resident set at which the baseline is killed (default: a third of the RAM).")
    String baselineLimit;

    @Option(names = "--object-size", paramLabel = "SIZE",
            description = "Cinder object (chunk) size of the concurrent restores and of the peers' backup, e.g. 64MiB"
                    + " (default: the mode's).")
    String objectSize;

    @Option(names = "--volume-size", paramLabel = "SIZE",
            description = "Volume restored against the peers, e.g. 4GiB (default: the mode's).")
    String volumeSize;

    @Option(names = "--compression", defaultValue = "zstd",
            description = "Compression of the Cinder backups' objects: zstd, zlib, bz2 or none (default: zstd).")
    String compression;

    @Option(names = "--scenarios", defaultValue = "all",
            description = "all (sections 1 to 6), or a comma-separated list of cinder (section 4, against Cinder's"
                    + " own code; no Ceph cluster), s3 (section 5, from S3 next to posix) and ceph (section 6,"
                    + " backups of Cinder's Ceph driver), e.g. cinder,s3.")
    String scenarios;

    @Option(names = "--update-readme", description = "Put the targets table into README.md between its markers;"
            + " a noisy run (see the report's Noise section) is refused with exit code " + NOISY_RUN + ".")
    boolean updateReadme;

    public static void main(String[] args) {
        System.exit(new CommandLine(new HarnessMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long limit = baselineLimit != null ? Sizes.parse(baselineLimit) : MachineFacts.meminfo("MemTotal") * 1024 / 3;
        CinderPlan cinderPlan = mode.equals("full") ? CinderPlan.full() : CinderPlan.quick();
        S3Plan s3Plan = mode.equals("full") ? S3Plan.full() : S3Plan.quick();
        CephPlan cephPlan = mode.equals("full") ? CephPlan.full() : CephPlan.quick();
        ScenarioSelection selection;
        try {
            selection = ScenarioSelection.parse(scenarios);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        boolean all = selection.core();
        String noCinder = CinderDriver.unavailableReason();
        if (noCinder != null) {
            System.err.println("bench-e2e: Cinder's own drivers write the backups of sections 4 and 5, and "
                    + noCinder);
            return 2;
        }
        String noCephDriver = selection.ceph() ? CinderDriver.cephUnavailableReason() : null;
        if (noCephDriver != null) {
            System.err.println("bench-e2e: Cinder's own Ceph driver writes the backups of section 6, and "
                    + noCephDriver);
            return 2;
        }
        BenchPlan plan = switch (mode) {
            case "quick" -> BenchPlan.quick(limit);
            case "full" -> BenchPlan.full(limit);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--mode: quick or full");
        };
        if (objectSize != null) {
            plan = plan.withObjectBytes(Sizes.parse(objectSize));
        }
        if (volumeSize != null) {
            plan = plan.withSingleVolumeBytes(Sizes.parse(volumeSize));
        }
        // the daemon takes absolute paths only
        root = root.toAbsolutePath().normalize();
        work = work.toAbsolutePath().normalize();
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        Path dir = out != null ? out : root.resolve("bench/results").resolve(date + "-" + mode);
        deleteRecursively(work);
        Files.createDirectories(work);
        Files.createDirectories(dir);

        // Ctrl-C or a kill must not leave a daemon, a baseline or a cluster running
        Path clusterScript = root.resolve("scripts/ceph-cluster.sh");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            for (String cluster : List.of(Scenarios.CLUSTER_DIR, CephScenarios.BACKUP_CLUSTER_DIR)) {
                if (Files.exists(work.resolve(cluster))) {
                    Commands.firstLine(List.of(clusterScript.toString(), "stop", work.resolve(cluster).toString()));
                }
            }
        }));
        Map<String, String> facts = MachineFacts.read();
        log("machine: " + facts);
        DataSet data;
        CinderData cinderData;
        AgentLauncher launcher = AgentLauncher.of(root);
        S3Scenarios s3 = new S3Scenarios(plan, s3Plan, root, work, launcher, HarnessMain::log);
        List<Measurement> measured;
        RunNoise noise;
        try (NoiseWatch watch = NoiseWatch.start(work, HarnessMain::log)) {
            log("making inputs under " + work);
            data = all ? DataSet.make(plan, work, compression) : DataSet.backupRootOnly(work, compression);
            cinderData = selection.cinder() ? CinderData.make(cinderPlan, work, data.backupRoot, HarnessMain::log)
                    : null;
            Scenarios s = new Scenarios(plan, data, root, work, launcher, HarnessMain::log);
            measured = all ? measureAll(plan, data, s, watch) : new ArrayList<>();
            if (cinderData != null) {
                CinderScenarios cinder = new CinderScenarios(plan, cinderPlan, cinderData, s, launcher, work,
                        HarnessMain::log);
                measured.addAll(watch.section("4. Against Cinder's own code", cinder::run));
            }
            if (selection.s3()) {
                measured.addAll(watch.section("5. From S3", s3::run));
            }
            if (selection.ceph()) {
                CephScenarios ceph = new CephScenarios(plan, cephPlan, root, work, launcher, HarnessMain::log);
                measured.addAll(watch.section("6. From Cinder's Ceph backup driver", ceph::run));
            }
            noise = watch.result();
        }

        Results results = new Results(plan, measured);
        // the headline compares with Cinder itself first; the baseline's rows still tell the memory story
        List<TargetCheck> checks = new ArrayList<>();
        String sections = "";
        if (cinderData != null) {
            checks.addAll(CinderChecks.evaluate(results, cinderData.compared, cinderPlan,
                    Runtime.getRuntime().availableProcessors()));
            sections += CinderReport.section(results, cinderData, cinderPlan);
        }
        if (selection.s3()) {
            checks.addAll(S3Checks.evaluate(results, s3Plan, Runtime.getRuntime().availableProcessors()));
            sections += (sections.isEmpty() ? "" : "\n") + S3Report.section(results, s3Plan, s3.zeroFraction());
        }
        if (selection.ceph()) {
            checks.addAll(CephChecks.evaluate(results, cephPlan, Runtime.getRuntime().availableProcessors()));
            sections += (sections.isEmpty() ? "" : "\n") + CephReport.section(results, cephPlan);
        }
        if (all) {
            checks.addAll(TargetCheck.evaluate(results));
        }
        List<String> plots = all ? Plots.draw(results, dir) : List.of();
        Files.writeString(dir.resolve("report.md"), Report.markdown(date, results, facts,
                setup(plan, data, launcher, selection), noise, checks, plots, all, sections));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("noise", noise);
        json.put("measurements", measured);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("measurements.json").toFile(), json);
        log("report: " + dir.resolve("report.md"));
        System.out.print(Report.headline(date, mode, checks));
        if (updateReadme) {
            Optional<String> refused = updateReadme(root.resolve("README.md"), dir, Report.headline(date, mode, checks),
                    selection, date, mode, noise);
            if (refused.isPresent()) {
                // the last line, where it is seen
                System.err.println("bench-e2e: " + refused.get());
                return NOISY_RUN;
            }
        }
        return measured.stream().anyMatch(m -> !m.ok() && !m.subject().equals("baseline")) ? 1 : 0;
    }

    /**
     * Sections 1 to 3, each judged for noise: concurrent restores and the baseline, budgets, object sizes, the
     * peers, zero-copy.
     */
    private static List<Measurement> measureAll(BenchPlan plan, DataSet data, Scenarios s, NoiseWatch watch)
            throws IOException, InterruptedException {
        List<Measurement> all = new ArrayList<>();
        all.addAll(watch.section("1. Concurrent restores", () -> concurrent(plan, data, s)));
        all.addAll(watch.section("1a. Budget", () -> budgets(plan, data, s, new Results(plan, List.copyOf(all)))));
        all.addAll(watch.section("1b. Object size", () -> {
            List<Measurement> rows = new ArrayList<>();
            for (DataSet.Backup backup : data.byObjectSize.values()) {
                rows.add(s.agent(TargetCheck.OBJECT_SIZE, backup, plan.objectSeriesN(), Scenarios.RBD, true));
                rows.add(s.baseline(TargetCheck.OBJECT_SIZE, backup, plan.objectSeriesN(), Scenarios.RBD));
            }
            return rows;
        }));
        all.addAll(watch.section("2. Against the peers", s::peers));
        all.addAll(watch.section("3. Zero-copy", () -> List.of(
                s.agent("zero-copy", data.concurrent.get(Scenarios.RBD), plan.zeroCopyN(), Scenarios.RBD, true),
                s.agent("zero-copy", data.concurrent.get(Scenarios.RBD), plan.zeroCopyN(), Scenarios.RBD, false))));
        return all;
    }

    /** Section 1: the agent's concurrent restores in interleaved rounds, then the baseline's. */
    private static List<Measurement> concurrent(BenchPlan plan, DataSet data, Scenarios s)
            throws IOException, InterruptedException {
        List<Measurement> all = new ArrayList<>();
        // single concurrent runs vary by up to half here: interleaved rounds, and per N one row of their median
        List<Measurement> rounds = new ArrayList<>();
        for (int round = 0; round < plan.repeats(); round++) {
            for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
                for (int n : plan.concurrency()) {
                    rounds.add(s.agent(TargetCheck.CONCURRENT_ROUND, data.concurrent.get(kind), n, kind, true));
                }
            }
        }
        all.addAll(rounds);
        for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
            for (int n : plan.concurrency()) {
                all.add(Measurement.summaryOf(TargetCheck.CONCURRENT, rounds.stream()
                        .filter(m -> m.target().equals(kind) && m.n() == n).toList()));
            }
        }
        for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
            String brokeAt = null;
            for (int n : plan.concurrency()) {
                if (brokeAt != null) {
                    // more restores need more memory still: running them would only wait for the same kill
                    DataSet.Backup backup = data.concurrent.get(kind);
                    all.add(Measurement.failed(TargetCheck.CONCURRENT, "baseline", kind, n, backup.objectBytes(),
                            n * backup.volumeBytes(), 0, "not run: the baseline broke at " + brokeAt));
                    continue;
                }
                Measurement m = s.baseline(TargetCheck.CONCURRENT, data.concurrent.get(kind), n, kind);
                all.add(m);
                brokeAt = m.ok() ? null : "N=" + n;
            }
        }
        return all;
    }

    /**
     * Section 1a: what a smaller budget costs in speed and saves in memory, at the largest N where the
     * baseline of {@code sofar} (section 1) still runs.
     */
    private static List<Measurement> budgets(BenchPlan plan, DataSet data, Scenarios s, Results sofar)
            throws IOException, InterruptedException {
        List<Measurement> all = new ArrayList<>();
        // single concurrent runs here vary by up to half, so B and the smaller budgets run in interleaved rounds
        for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
            int n = sofar.largestBaselineN(kind).orElse(sofar.largestN());
            for (int round = 0; round < plan.repeats(); round++) {
                for (long budget : plan.budgetSeries()) {
                    all.add(s.agent(TargetCheck.BUDGET, TargetCheck.budgetSubject(budget), data.concurrent.get(kind),
                            n, kind, true, budget));
                }
            }
        }
        return all;
    }

    private static String setup(BenchPlan plan, DataSet data, AgentLauncher launcher, ScenarioSelection selection) {
        if (!selection.core()) {
            return "Only " + selection.sections() + " ran (`--scenarios`).\n";
        }
        return String.format(Locale.ROOT, String.join("\n",
                "**Inputs** (made anew each run): disk-like volumes of runs of zeros, text and random bytes "
                        + "(%.0f%% of 4 KiB blocks all zero; `zstd -3` shrinks them %.1fx). Cinder backups with %s "
                        + "objects (zstd at level 3, as python3-zstd writes them). Concurrent restores: one object of "
                        + "%s per restore into files, %s into RBD (the memstore OSD holds every image in RAM). Against "
                        + "the peers: a %s volume in %s objects, also as a raw file and as a `zstd -3` stream.",
                "",
                "**Agent**: `bin/restore-agent` with the packaged unit's environment (%s), budget B = %s, buffers "
                        + "of 4 MiB, 8 in flight per restore, zero-copy AIO writes. Concurrent runs go through a "
                        + "fresh daemon's socket; the peer runs are one-shot `restore-agent restore` processes. Every "
                        + "RBD run has a throwaway cluster of its own (one memstore OSD, one monitor).",
                "",
                "**Baseline**: what Cinder's chunked driver does, in one JVM with a thread per restore: each object "
                        + "read whole into memory, decompressed whole, written with one synchronous `rbd_write` "
                        + "(librbd copies it) or one file write, then flushed and synced. librbd keeps the cluster "
                        + "configuration's settings, as Cinder's does. The harness kills it once its resident set "
                        + "passes %s (its stand-in for the OOM killer) and then does not try larger N.",
                "",
                "**Measured**: peak RSS is the kernel's high-water mark (VmHWM) of each process, sampled from "
                        + "/proc every %d ms; CPU is utime + stime from /proc; direct peak is the agent's allocator "
                        + "counter (`direct_memory_peak_bytes` of `GET /v1/budget`). MiB/s counts the volume's bytes, "
                        + "zeros included; \"written\" counts the bytes sent to the target (the agent skips zeros on "
                        + "a new target). A concurrent run's time is from the first submission to the last job's end. "
                        + "The first target of every run (and every peer command's target, in the first round) is "
                        + "checked against the volume's md5.",
                ""),
                100 * data.zeroFraction, data.zstdRatio, data.compression, TargetCheck.mib(plan.fileObjectBytes()),
                TargetCheck.mib(plan.rbdObjectBytes()), TargetCheck.mib(plan.singleVolumeBytes()),
                TargetCheck.mib(plan.singleObjectBytes()),
                launcher.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .reduce((a, b) -> a + " " + b).orElse(""),
                TargetCheck.mib(plan.budgetBytes()), TargetCheck.mib(plan.baselineLimitBytes()),
                ProcessWatch.INTERVAL_MS);
    }

    /**
     * Puts {@code headline} into {@code readme} between its markers, or, when {@code noise} is not clean, leaves
     * it as it was and returns the one line that says why: the noisy sections and their reasons.
     */
    static Optional<String> updateReadme(Path readme, Path reportDir, String headline, ScenarioSelection selection,
                                         String date, String mode, RunNoise noise) throws IOException {
        String report = readme.toAbsolutePath().normalize().getParent()
                .relativize(reportDir.toAbsolutePath().normalize()) + "/report.md";
        if (!noise.clean()) {
            return Optional.of("--update-readme refused, README.md not changed: a noisy run (" + noise.noisySections()
                    + "); see " + report);
        }
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(README_START);
        int end = text.indexOf(README_END);
        if (start < 0 || end < start) {
            throw new IOException(readme + " has no " + README_START + " ... " + README_END + " section");
        }
        // a run of some sections replaces their rows only: the others keep the earlier run's figures
        String table = selection.everything() ? headline : ReadmeTable.merge(text.substring(start
                + README_START.length(), end), headline, "Rows of " + selection.sections() + " measured "
                + date + " (" + mode + " mode); the others are from the earlier run.");
        String section = README_START + "\n" + table + "\nFull report: [" + report + "](" + report + ").\n";
        Files.writeString(readme, text.substring(0, start) + section + text.substring(end), StandardCharsets.UTF_8);
        return Optional.empty();
    }

    private static void log(String line) {
        System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package dev.restoreagent.bench.e2e;

import dev.restoreagent.api.RestoreRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Section 4d: what a start costs. {@code restore-agent --version}, the whole process, {@link #VERSION_RUNS}
 * times (the row is the median); and one fresh daemon's first restore of the mixed zlib backup after {@code
 * serve} started (its data path warmed at start), then its second of the same. Rows of scenario {@link #COLD};
 * the one-shot restore they compare with is section 4's own row.
 */
final class ColdStart {
    static final String COLD = "cold-start";
    static final String VERSION = "restore-agent --version";
    static final String FIRST = "daemon: first restore after serve";
    static final String SECOND = "daemon: second restore";
    static final int VERSION_RUNS = 5;
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(20);
    private static final long VERSION_TIMEOUT_SECONDS = 60;

    private final long budgetBytes;
    private final String backupRoot;
    private final CinderData.Input input;
    private final AgentLauncher launcher;
    private final Path work;
    private final Consumer<String> log;

    ColdStart(long budgetBytes, CinderData data, CinderData.Input input, AgentLauncher launcher, Path work,
              Consumer<String> log) {
        this.budgetBytes = budgetBytes;
        this.backupRoot = data.driver.backupPath().toString();
        this.input = input;
        this.launcher = launcher;
        this.work = work;
        this.log = log;
    }

    List<Measurement> run() throws IOException, InterruptedException {
        List<Measurement> rows = new ArrayList<>();
        rows.add(logged(version()));
        rows.addAll(firstAndSecond());
        return rows;
    }

    /**
     * As a shell times it: the process started and waited for, nothing else beside it (the other rows' watch of
     * /proc, sampling RSS on these two cores, adds a tenth of a second to a start this short); its CPU from
     * bash's {@code times}.
     */
    private Measurement version() throws IOException, InterruptedException {
        Path out = Files.createDirectories(work.resolve("runs").resolve(COLD)).resolve("version.log");
        ProcessBuilder agent = launcher.command(List.of("--version"), out);
        List<String> argv = new ArrayList<>(List.of("bash", "-c", "\"$@\" > /dev/null || exit 1; times", "bash"));
        argv.addAll(agent.command());
        List<double[]> runs = new ArrayList<>(); // {seconds, CPU seconds}
        for (int i = 0; i < VERSION_RUNS; i++) {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().putAll(agent.environment());
            long t0 = System.nanoTime();
            Process p = pb.start();
            String times = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            boolean ended = p.waitFor(VERSION_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ended && p.exitValue() == 0 ? CinderScenarios.childrenCpuSeconds(times) : Double.NaN;
            if (Double.isNaN(cpu)) {
                p.destroyForcibly();
                return Measurement.failed(COLD, VERSION, "-", 1, 0, 0, -1, "failed: " + times.strip());
            }
            runs.add(new double[] {seconds, cpu});
        }
        runs.sort(Comparator.comparingDouble(run -> run[0]));
        double[] median = runs.get(runs.size() / 2);
        return new Measurement(COLD, VERSION, "-", 1, 0, 0, -1, median[0], -1, -1, median[1], null,
                String.format(java.util.Locale.ROOT, "the median of %d runs, the whole process (the launcher's shell"
                        + " and its JVM) as a shell times it; %.2f-%.2f s", VERSION_RUNS, runs.get(0)[0],
                        runs.get(runs.size() - 1)[0]));
    }

    private List<Measurement> firstAndSecond() throws IOException, InterruptedException {
        List<Measurement> rows = new ArrayList<>();
        Path target = Files.createDirectories(work.resolve("targets")).resolve("cold-start.img");
        DataSet.Backup backup = input.backup();
        RestoreRequest request = new RestoreRequest(backupRoot, backup.backupId(), null, null, null, null,
                target.toString(), null, null, null, null, null, null, null, null, null, null);
        try (AgentDaemon daemon = AgentDaemon.start(launcher, work.resolve("runs").resolve(COLD), budgetBytes, true,
                null, work)) {
            for (String subject : List.of(FIRST, SECOND)) {
                Commands.run(List.of("sync"), work.resolve("runs").resolve(COLD).resolve("sync.log"));
                AgentDaemon.Outcome outcome = daemon.restore(List.of(request), RESTORE_TIMEOUT);
                String failure = outcome.failure() != null ? outcome.failure() : CinderScenarios.check(target, input);
                Files.deleteIfExists(target);
                rows.add(logged(new Measurement(COLD, subject, Scenarios.FILE, 1, backup.objectBytes(),
                        backup.volumeBytes(), outcome.writtenBytes(), outcome.seconds(), outcome.peakRssBytes(),
                        outcome.directPeakBytes(), outcome.cpuSeconds(), failure,
                        "from submission to the job's end; CPU: the daemon's during the job")));
                if (failure != null) {
                    break;
                }
            }
        }
        return rows;
    }

    private Measurement logged(Measurement m) {
        log.accept(Scenarios.describe(m));
        return m;
    }
}

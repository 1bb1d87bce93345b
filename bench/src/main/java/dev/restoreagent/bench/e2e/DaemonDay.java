package dev.restoreagent.bench.e2e;

import dev.restoreagent.api.RestoreRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Section 4c: a daemon's mixed day. One daemon, started fresh at the plan's budget, runs four phases in order:
 * twenty restores of the mixed zlib backup in {@link #BATCHES} batches of {@link #BATCH_SIZE} at once, the seed
 * restores all at once, then both again. Each phase is one {@link Measurement} of scenario {@link #DAY}: its
 * {@code n} is the phase's restores, its time and CPU the sums over its batches, its peak RSS the daemon's
 * lifetime peak (VmHWM) so far, its RSS and threads after read as the phase's last batch ends, and its note the
 * JVM's memory options ({@link AgentDaemon#memoryOptions()}). Every target is checked against its volume's md5, and deleted before the next batch.
 */
final class DaemonDay {
    static final String DAY = "day";
    static final int BATCHES = 4;
    static final int BATCH_SIZE = 5;
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(20);

    private record Phase(String subject, CinderData.Input input, int batches, int batchSize) {
        int restores() {
            return batches * batchSize;
        }
    }

    private final long budgetBytes;
    private final String backupRoot;
    private final List<Phase> phases;
    private final AgentLauncher launcher;
    private final Path work;
    private final Consumer<String> log;

    /** The day of twenty restores of {@code mixed} and {@code seedN} of {@code data}'s seed backup, twice. */
    DaemonDay(long budgetBytes, CinderData data, CinderData.Input mixed, int seedN, AgentLauncher launcher, Path work,
              Consumer<String> log) {
        this.budgetBytes = budgetBytes;
        this.backupRoot = data.driver.backupPath().toString();
        String twenty = "the " + mixed.codec() + " mixed backup";
        this.phases = List.of(phase(1, twenty, mixed, BATCHES, BATCH_SIZE), phase(2, "the seed backup", data.seed, 1,
                seedN), phase(3, twenty, mixed, BATCHES, BATCH_SIZE), phase(4, "the seed backup", data.seed, 1, seedN));
        this.launcher = launcher;
        this.work = work;
        this.log = log;
    }

    // its subject: "1. 20 restores of the zlib mixed backup (1024 MiB), 4 batches of 5"
    private static Phase phase(int number, String what, CinderData.Input input, int batches, int batchSize) {
        return new Phase(String.format(Locale.ROOT, "%d. %d restores of %s (%s), %s", number, batches * batchSize,
                what, TargetCheck.mib(input.backup().volumeBytes()),
                batches == 1 ? "all at once" : batches + " batches of " + batchSize), input, batches, batchSize);
    }

    /** One row a phase, in order; after a phase fails, the rest are rows that say it was not run. */
    List<Measurement> run() throws IOException, InterruptedException {
        List<Measurement> rows = new ArrayList<>();
        try (AgentDaemon daemon = AgentDaemon.start(launcher, work.resolve("runs").resolve(DAY), budgetBytes, true,
                null, work)) {
            String note = String.join(" ", daemon.memoryOptions());
            String failed = null;
            for (int i = 0; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                Measurement m = failed == null ? measure(daemon, i, phase, note)
                        : new Measurement(DAY, phase.subject(), Scenarios.FILE, phase.restores(),
                        phase.input().backup().objectBytes(), phase.restores() * phase.input().backup().volumeBytes(),
                        -1, Double.NaN, -1, -1, Double.NaN, "not run: " + failed + " failed", note);
                log.accept(Scenarios.describe(m));
                rows.add(m);
                if (failed == null && !m.ok()) {
                    failed = phase.subject();
                }
            }
        }
        return rows;
    }

    private Measurement measure(AgentDaemon daemon, int index, Phase phase, String note)
            throws IOException, InterruptedException {
        DataSet.Backup backup = phase.input().backup();
        double seconds = 0;
        double cpuSeconds = 0;
        long written = 0;
        AgentDaemon.Outcome outcome = null;
        AgentDaemon.Resident after = null;
        String failure = null;
        for (int batch = 0; batch < phase.batches() && failure == null; batch++) {
            Commands.run(List.of("sync"), work.resolve("runs").resolve(DAY).resolve("sync.log"));
            List<Path> targets = targets(index, batch, phase.batchSize());
            List<RestoreRequest> requests = new ArrayList<>();
            for (Path target : targets) {
                requests.add(new RestoreRequest(backupRoot, backup.backupId(), null, null, null, null,
                        target.toString(), null, null, null, null, null, null, null, null, null, null));
            }
            outcome = daemon.restore(requests, BATCH_TIMEOUT);
            // read before the checks: the daemon idles while they run, and its periodic trim would shrink it
            after = daemon.resident();
            seconds += outcome.seconds();
            cpuSeconds += outcome.cpuSeconds();
            written += outcome.writtenBytes();
            failure = outcome.failure();
            for (int i = 0; i < targets.size() && failure == null; i++) {
                failure = CinderScenarios.check(targets.get(i), phase.input());
            }
            for (Path target : targets) {
                Files.deleteIfExists(target);
            }
        }
        return new Measurement(DAY, phase.subject(), Scenarios.FILE, phase.restores(), backup.objectBytes(),
                phase.restores() * backup.volumeBytes(), written, seconds, outcome.peakRssBytes(),
                outcome.directPeakBytes(), cpuSeconds, failure, note, after.rssBytes(), after.threads());
    }

    private List<Path> targets(int phase, int batch, int n) throws IOException {
        Path dir = work.resolve("targets");
        Files.createDirectories(dir);
        List<Path> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            targets.add(dir.resolve(String.format(Locale.ROOT, "day-%d-%d-%02d.img", phase + 1, batch + 1, i)));
        }
        return targets;
    }
}

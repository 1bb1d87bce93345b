package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.decode.DecoderImplementations;
import dev.restoreagent.agent.job.JobListener;
import dev.restoreagent.agent.job.JobRunner;
import dev.restoreagent.agent.job.RestoreJob;
import dev.restoreagent.agent.job.RestoreRequests;
import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.targets.SharedConnection;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;

import dev.restoreagent.agent.source.rbd.BackupClusters;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.nativeb.libc.Terminal;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code restore-agent restore}: one restore, in this process, with progress on stderr. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restores a Cinder backup (full or incremental chain; from files, S3, Swift, or the RBD"
                + " snapshots of Cinder's Ceph driver), an RBD snapshot, or a disk image stream into an RBD image, a"
                + " file or a block device.",
                "",
                "Examples:",
                "  restore-agent restore --backup-root /var/lib/cinder/backup --backup-id ID --to /dev/sdb",
                "  restore-agent restore --backup-id ID --volume-id VOL --backup-ceph-conf /etc/ceph/backup.conf"
                        + " --backup-ceph-user restore-agent --to rbd:volumes/volume-VOL",
                "  restore-agent restore --image disk.img.zst --to rbd:volumes/vm-1 --create",
                "  zstdcat disk.img.zst | restore-agent restore --image - --to /dev/sdb"})
final class RestoreCommand implements Callable<Integer> {
    /** Default {@code --memory-budget}; the launcher derives {@code -XX:MaxDirectMemorySize} from it. */
    static final String DEFAULT_MEMORY_BUDGET = "256MiB";
    /** Default {@code --state-dir}: where block devices' incomplete marks are kept. */
    static final String DEFAULT_STATE_DIR = "/var/lib/restore-agent";

    /** How long Ctrl-C or SIGTERM waits for the restore to drain before the process exits. */
    static final Duration SIGNAL_WAIT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Mixin
    RestoreOptions what;

    @Mixin
    CephOptions ceph;

    @Mixin
    ObjectStoreOptions storeOptions;

    @Option(names = "--memory-budget", paramLabel = "SIZE", defaultValue = DEFAULT_MEMORY_BUDGET,
            description = "Memory for buffers and decoders (default: ${DEFAULT-VALUE}).")
    String memoryBudget;

    @Option(names = "--buffer-size", paramLabel = "SIZE", defaultValue = "4MiB",
            description = "Size of each pooled buffer (default: ${DEFAULT-VALUE}).")
    String bufferSize;

    @Option(names = "--queue-depth", paramLabel = "N", defaultValue = "" + RestoreSettings.DEFAULT_QUEUE_DEPTH,
            description = "Buffers per restore, decoding or in flight (default: ${DEFAULT-VALUE}).")
    int queueDepth;

    @Option(names = "--decoders", paramLabel = "N", defaultValue = "0",
            description = "Decode threads, each taking whole objects; 0 = one per core, at most 4; 1 writes the objects "
                    + "strictly in order (default: ${DEFAULT-VALUE}).")
    int decoders;

    @Option(names = "--zstd-window-log-max", paramLabel = "N",
            defaultValue = "" + RestoreSettings.DEFAULT_ZSTD_WINDOW_LOG_MAX,
            description = "Largest zstd window accepted, 2^N bytes (default: ${DEFAULT-VALUE}).")
    int zstdWindowLogMax;

    @Option(names = "--source-read-timeout", paramLabel = "SECONDS",
            defaultValue = "" + RestoreSettings.DEFAULT_SOURCE_READ_TIMEOUT_SECONDS,
            description = "Fail when a read of the backup returns nothing for this long (default: ${DEFAULT-VALUE}).")
    long sourceReadTimeoutSeconds;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where incomplete marks of block devices and a sha256file's hashes are kept (default: "
                    + DEFAULT_STATE_DIR + " where this user can write it, else $XDG_RUNTIME_DIR/restore-agent, else "
                    + "a private temporary directory).")
    Path stateDir;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Progress on stderr: auto (a bar on a terminal, else lines), bar, plain, none.")
    ProgressPrinter.Mode progressMode;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text: a summary line on stderr; json: also the job's JSON, as the daemon's API shows it,"
                    + " on one line of stdout, whatever the outcome.")
    ClientOptions.Output output;

    @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds between plain progress lines (default: ${DEFAULT-VALUE}).")
    int progressIntervalSeconds;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        RestoreRequest request;
        RestoreSettings settings;
        MemoryBudget budget;
        try {
            request = what.toRequest(null, storeOptions.given() ? ObjectStoreOptions.COMMAND_LINE_STORE : null,
                    storeOptions.container());
            RestoreRequests.validate(request);
            budget = new MemoryBudget(Sizes.parse(memoryBudget));
            settings = new RestoreSettings(Math.toIntExact(Sizes.parse(bufferSize)), queueDepth, decoders,
                    zstdWindowLogMax, false, Duration.ofSeconds(sourceReadTimeoutSeconds));
        } catch (RestoreRequests.FieldException e) {
            throw new ParameterException(spec.commandLine(), e.withOptionNames(), e);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Stores stores;
        try {
            stores = storeOptions.open(Duration.ofSeconds(sourceReadTimeoutSeconds));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (ObjectStoreException e) {
            err.println("restore-agent: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        Path state;
        try {
            state = stateDir != null ? stateDir : LocalStateDir.choose(Path.of(DEFAULT_STATE_DIR), System.getenv());
        } catch (IOException e) {
            stores.close();
            err.println("restore-agent: no state directory: cannot make a private one: " + e.getMessage());
            return ExitCode.INTERNAL;
        }
        try (SharedConnection connection = new SharedConnection(ceph::connect);
             Stores sources = stores.withClusters(new BackupClusters(connection::get,
                     Duration.ofSeconds(ceph.osdOpTimeoutSeconds)))) {
            JobRunner runner = new JobRunner(budget, settings, new TargetOpener(connection), sources, state,
                    new JobListener() {
                @Override
                public void sourceResolved(RestoreJob job, RestoreSource source) {
                    source.notes().forEach(note -> err.println("restore-agent: note: " + note));
                    for (Codec codec : source.codecs()) {
                        String fallback = DecoderImplementations.fallback(codec);
                        if (fallback != null && source.layers().stream().flatMap(l -> l.objects().stream())
                                .anyMatch(o -> o.codec() == codec)) {
                            err.println("restore-agent: note: " + codec.label() + " is decoded by "
                                    + DecoderImplementations.of(codec) + ", slower than its native library: " + fallback);
                        }
                    }
                }

                @Override
                public void targetOpened(RestoreJob job, String clientSettings) {
                    if (!clientSettings.isEmpty()) {
                        err.println("restore-agent: ceph " + clientSettings);
                    }
                }

                @Override
                public void ended(RestoreJob job) {
                }
            });
            RestoreJob job = RestoreJob.of(request);
            runner.enqueue(job);
            return run(runner, job, budget, err);
        }
    }

    /** Runs the job here, as the daemon would, with progress on stderr; Ctrl-C or SIGTERM cancels it. */
    private int run(JobRunner runner, RestoreJob job, MemoryBudget budget, PrintStream err) {
        // counted down once the outcome is printed: the JVM exits when the hook returns
        CountDownLatch reported = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            // stop reading, drain the writes in flight, keep the incomplete mark
            job.cancel();
            awaitReported(job, reported, err);
        }, "cancel-on-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        DirectMemory.resetPeaks();
        try (ProgressPrinter printer = progressPrinter(job, err)) {
            if (printer != null) {
                printer.start();
            }
            runner.run(job);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is running and waits for the job
            }
        }
        try {
            if (output == ClientOptions.Output.JSON) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(job.view(null).toJson());
                out.flush();
            }
            if (job.state() == JobState.SUCCEEDED) {
                err.println(summary(job, budget));
                return ExitCode.OK;
            }
            err.println("restore-agent: " + job.error());
            if (job.targetNote() != null) {
                err.println("restore-agent: " + job.targetNote());
            }
            return ExitCode.of(job.errorKind());
        } finally {
            err.flush();
            reported.countDown();
        }
    }

    private ProgressPrinter progressPrinter(RestoreJob job, PrintStream err) {
        ProgressPrinter.Mode mode = progressMode;
        if (mode == ProgressPrinter.Mode.AUTO) {
            mode = Terminal.isTerminal(Terminal.STDERR) ? ProgressPrinter.Mode.BAR : ProgressPrinter.Mode.PLAIN;
        }
        if (mode == ProgressPrinter.Mode.NONE) {
            return null;
        }
        return new ProgressPrinter(err, () -> job.view(null), mode == ProgressPrinter.Mode.BAR,
                Duration.ofSeconds(Math.max(1, progressIntervalSeconds)));
    }

    static String summary(RestoreJob job, MemoryBudget budget) {
        RestoreResult r = job.result();
        double seconds = r.runningNanos() / 1e9;
        return String.format(Locale.ROOT, "restored %s to %s: %s written, %s skipped as zero, %s zeroed, "
                        + "in %.1f s (%s/s); direct memory peak %s of %s budget; checked against %s",
                job.source(), job.request().to(), Sizes.format(r.writtenBytes()), Sizes.format(r.skippedBytes()),
                Sizes.format(r.zeroedBytes()), seconds, Sizes.format((long) r.bytesPerSecond()),
                Sizes.format(DirectMemory.peakJvmDirectBytes()), Sizes.format(budget.totalBytes()), job.verification());
    }

    /**
     * The shutdown hook's wait: long enough for a restore to drain its writes, bounded so that a
     * signal always ends the process. What is still in flight then stays the device's; the target
     * keeps its incomplete mark.
     */
    private static void awaitReported(RestoreJob job, CountDownLatch reported, PrintStream err) {
        try {
            if (!reported.await(SIGNAL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                err.println("restore-agent: stopping without waiting longer for the writes in flight; target "
                        + job.request().to() + " stays incomplete");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreFailure;
import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.job.RestoreRequest;
import dev.restoreagent.agent.job.RestoreRequests;
import dev.restoreagent.agent.targets.OpenedTarget;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.agent.targets.TargetRequest;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.targets.BlockTarget;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code restore-agent restore}: one restore, in this process, with progress on stderr. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restores a Cinder backup (full or incremental chain) or a disk image stream into a "
                + "file or block device.",
                "",
                "Examples:",
                "  restore-agent restore --backup-root /var/lib/cinder/backup --backup-id ID --to /dev/sdb",
                "  restore-agent restore --image disk.img.zst --to rbd:volumes/vm-1 --create",
                "  zstdcat disk.img.zst | restore-agent restore --image - --to /dev/sdb"})
final class RestoreCommand implements Callable<Integer> {
    /** Default {@code --memory-budget}; the launcher derives {@code -XX:MaxDirectMemorySize} from it. */
    static final String DEFAULT_MEMORY_BUDGET = "256MiB";
    /** Default {@code --state-dir}: where block devices' incomplete marks are kept. */
    static final String DEFAULT_STATE_DIR = "/var/lib/restore-agent";

    @Spec
    CommandSpec spec;

    @Mixin
    RestoreOptions what;

    @Mixin
    CephOptions ceph;

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

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = DEFAULT_STATE_DIR,
            description = "Where incomplete marks of block devices are kept (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Progress on stderr: auto (a bar on a terminal, else lines), bar, plain, none.")
    ProgressPrinter.Mode progressMode;

    @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds between plain progress lines (default: ${DEFAULT-VALUE}).")
    int progressIntervalSeconds;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        RestoreRequest request = what.toRequest(null);
        RestoreSettings settings;
        long budgetBytes;
        try {
            RestoreRequests.validate(request);
            budgetBytes = Sizes.parse(memoryBudget);
            settings = new RestoreSettings(Math.toIntExact(Sizes.parse(bufferSize)), queueDepth, decoders,
                    zstdWindowLogMax, request.isTargetZeroed());
        } catch (RestoreRequests.FieldException e) {
            throw new ParameterException(spec.commandLine(), e.withOptionNames(), e);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            RestoreSource restoreSource = RestoreRequests.resolveSource(request);
            return restore(restoreSource, RestoreRequests.target(request, stateDir, false), settings, budgetBytes, err);
        } catch (RestoreFailure e) {
            err.println("restore-agent: " + e.getMessage());
            return ExitCode.of(e.kind());
        }
    }

    private int restore(RestoreSource restoreSource, TargetRequest request, RestoreSettings settings,
                        long budgetBytes, PrintStream err) throws RestoreFailure {
        MemoryBudget budget = new MemoryBudget(budgetBytes);
        try (LazyConnection connection = new LazyConnection(ceph)) {
            OpenedTarget opened = openTarget(request, restoreSource, connection);
            int code = ExitCode.INTERNAL;
            try {
                if (!opened.settings().isEmpty()) {
                    err.println("restore-agent: ceph " + opened.settings());
                }
                code = run(restoreSource, opened.target(), budget, settings, err);
            } finally {
                try {
                    opened.close();
                } catch (IOException e) {
                    err.println("restore-agent: closing target " + request.to() + " failed: " + e.getMessage());
                    code = code == ExitCode.OK ? ExitCode.TARGET : code;
                }
            }
            return code;
        }
    }

    private OpenedTarget openTarget(TargetRequest request, RestoreSource restoreSource, LazyConnection connection)
            throws RestoreFailure {
        try {
            return new TargetOpener(connection::get).open(request, restoreSource.extentBytes());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private int run(RestoreSource restoreSource, BlockTarget target, MemoryBudget budget, RestoreSettings settings,
                    PrintStream err) {
        Restore restore;
        try {
            restore = new Restore(restoreSource, target, budget, settings, "restore " + restoreSource.markTag());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            // Ctrl-C or SIGTERM: stop reading, drain the writes in flight, keep the incomplete mark
            restore.cancel();
            awaitQuietly(finished);
        }, "cancel-on-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        DirectMemory.resetPeaks();
        try (ProgressPrinter printer = progressPrinter(restore, err)) {
            if (printer != null) {
                printer.start();
            }
            RestoreResult result = restore.run();
            if (printer != null) {
                printer.close();
            }
            err.println(summary(restoreSource, target.name(), result, budget));
            return ExitCode.OK;
        } catch (RestoreFailure e) {
            err.println("restore-agent: " + e.getMessage());
            reportMark(target, err);
            return ExitCode.of(e.kind());
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is running and waits for us
            }
        }
    }

    private ProgressPrinter progressPrinter(Restore restore, PrintStream err) {
        ProgressPrinter.Mode mode = progressMode;
        if (mode == ProgressPrinter.Mode.AUTO) {
            mode = Terminal.isTerminal(Terminal.STDERR) ? ProgressPrinter.Mode.BAR : ProgressPrinter.Mode.PLAIN;
        }
        if (mode == ProgressPrinter.Mode.NONE) {
            return null;
        }
        return new ProgressPrinter(err, restore::progress, mode == ProgressPrinter.Mode.BAR,
                Duration.ofSeconds(Math.max(1, progressIntervalSeconds)));
    }

    static String summary(RestoreSource source, String targetName, RestoreResult r, MemoryBudget budget) {
        double seconds = r.runningNanos() / 1e9;
        return String.format(Locale.ROOT, "restored %s to %s: %s written, %s skipped as zero, %s zeroed, "
                        + "in %.1f s (%s/s); direct memory peak %s of %s budget",
                source.description(), targetName, Sizes.format(r.writtenBytes()), Sizes.format(r.skippedBytes()),
                Sizes.format(r.zeroedBytes()), seconds, Sizes.format((long) r.bytesPerSecond()),
                Sizes.format(DirectMemory.peakJvmDirectBytes()), Sizes.format(budget.totalBytes()));
    }

    private static void reportMark(BlockTarget target, PrintStream err) {
        try {
            if (target.incompleteMark().isPresent()) {
                err.println("restore-agent: target " + target.name() + " is incomplete and marked so ("
                        + target.markLocation() + ")");
            }
        } catch (IOException e) {
            err.println("restore-agent: target " + target.name() + " is incomplete; its mark cannot be read: "
                    + e.getMessage());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

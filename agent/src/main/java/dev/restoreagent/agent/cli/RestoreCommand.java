package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreFailure;
import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.cinder.CinderBackupLocator;
import dev.restoreagent.agent.source.cinder.CinderExportRecord;
import dev.restoreagent.agent.source.cinder.CinderSource;
import dev.restoreagent.agent.source.image.ImageSource;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.memory.Sizes;
import dev.restoreagent.io.target.FileTarget;
import dev.restoreagent.nativeb.libc.Terminal;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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
                "  restore-agent restore --image disk.img.zst --to /var/tmp/disk.img",
                "  zstdcat disk.img.zst | restore-agent restore --image - --to /dev/sdb"})
final class RestoreCommand implements Callable<Integer> {
    /** Default {@code --memory-budget}; the launcher derives {@code -XX:MaxDirectMemorySize} from it. */
    static final String DEFAULT_MEMORY_BUDGET = "256MiB";
    /** Default {@code --state-dir}: where block devices' incomplete marks are kept. */
    static final String DEFAULT_STATE_DIR = "/var/lib/restore-agent";

    /** Image compressions for {@code --image-format}. */
    enum ImageFormat {
        AUTO(null), RAW(Codec.NONE), ZSTD(Codec.ZSTD), ZLIB(Codec.ZLIB), GZIP(Codec.GZIP), BZ2(Codec.BZIP2);

        final Codec codec;

        ImageFormat(Codec codec) {
            this.codec = codec;
        }
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Source (one of):%n")
    SourceChoice source;

    static final class SourceChoice {
        @Option(names = "--backup-id", paramLabel = "ID",
                description = "Cinder backup to restore (with --backup-root); its chain is followed to the full backup.")
        String backupId;

        @Option(names = "--cinder-record", paramLabel = "FILE",
                description = "JSON printed by 'cinder backup-export' naming the backup (with --backup-root).")
        Path cinderRecord;

        @Option(names = "--image", paramLabel = "FILE|-",
                description = "Disk image stream, raw or zstd/zlib/gzip/bz2 compressed; - reads standard input.")
        String image;
    }

    @Option(names = "--backup-root", paramLabel = "DIR",
            description = "Backup repository: backup_posix_path, or the NFS share's mount point.")
    Path backupRoot;

    @Option(names = "--container", paramLabel = "REL",
            description = "The backup's container relative to --backup-root, if not Cinder's default id[0:2]/id[2:4]/id.")
    String container;

    @Option(names = "--image-format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "Compression of --image: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, from magic bytes).")
    ImageFormat imageFormat;

    @Option(names = "--to", required = true, paramLabel = "PATH",
            description = "Target: a block device or a regular file; a missing file is created, as large as the data.")
    Path to;

    @Option(names = "--target-zeroed",
            description = "The target already reads as zeros, so zero blocks of the full backup need not be written.")
    boolean targetZeroed;

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
            description = "Decode threads; 0 = one per core for bz2/zlib, else 1 (default: ${DEFAULT-VALUE}).")
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
        RestoreSettings settings;
        long budgetBytes;
        try {
            budgetBytes = Sizes.parse(memoryBudget);
            settings = new RestoreSettings(Math.toIntExact(Sizes.parse(bufferSize)), queueDepth, decoders,
                    zstdWindowLogMax, targetZeroed);
            if ((source.backupId != null || source.cinderRecord != null) && backupRoot == null) {
                throw new IllegalArgumentException("--backup-root is required with --backup-id and --cinder-record");
            }
            if (source.image != null && (backupRoot != null || container != null)) {
                throw new IllegalArgumentException("--backup-root and --container go with a Cinder backup, not --image");
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            RestoreSource restoreSource = resolveSource();
            return restore(restoreSource, settings, budgetBytes, err);
        } catch (RestoreFailure e) {
            err.println("restore-agent: " + e.getMessage());
            return ExitCode.of(e.kind());
        }
    }

    private RestoreSource resolveSource() throws RestoreFailure {
        if (source.image != null) {
            return ImageSource.of(source.image, imageFormat.codec);
        }
        CinderBackupLocator locator = new CinderBackupLocator(backupRoot);
        if (source.cinderRecord != null) {
            CinderExportRecord record = CinderExportRecord.read(source.cinderRecord);
            return CinderSource.resolve(locator, locator.locate(record.backupId(),
                    container != null ? container : record.container(), record.prefix()));
        }
        return CinderSource.resolve(locator, locator.locate(source.backupId, container));
    }

    private int restore(RestoreSource restoreSource, RestoreSettings settings, long budgetBytes, PrintStream err)
            throws RestoreFailure {
        MemoryBudget budget = new MemoryBudget(budgetBytes);
        FileTarget target;
        try {
            target = FileTarget.open(to, restoreSource.extentBytes(), settings.targetZeroed(),
                    stateDir.resolve("incomplete"));
        } catch (IOException e) {
            throw RestoreFailure.target("cannot open target " + to + ": " + e.getMessage(), e);
        }
        Restore restore;
        try {
            restore = new Restore(restoreSource, target, budget, settings, "restore " + restoreSource.markTag());
        } catch (IllegalArgumentException e) {
            closeQuietly(target);
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
            closeQuietly(target);
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

    private static void reportMark(FileTarget target, PrintStream err) {
        try {
            if (target.incompleteMark().isPresent()) {
                err.println("restore-agent: target " + target.name() + " is incomplete and marked so ("
                        + target.markerDescription() + ")");
            }
        } catch (IOException e) {
            err.println("restore-agent: target " + target.name() + " is incomplete; its mark cannot be read: "
                    + e.getMessage());
        }
    }

    private static void closeQuietly(FileTarget target) {
        try {
            target.close();
        } catch (IOException e) {
            System.err.println("restore-agent: closing target " + target.name() + " failed: " + e.getMessage());
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

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
import dev.restoreagent.agent.target.OpenedTarget;
import dev.restoreagent.agent.target.TargetOpener;
import dev.restoreagent.agent.target.TargetRequest;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.memory.Sizes;
import dev.restoreagent.io.target.BlockTarget;
import dev.restoreagent.nativeb.libc.Terminal;
import picocli.CommandLine.ArgGroup;
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

    @Option(names = "--to", required = true, paramLabel = "TARGET",
            description = {"Target: rbd:POOL[/NAMESPACE]/IMAGE, a block device, or a regular file (a missing file is"
                    + " created, as large as the data)."})
    String to;

    @Option(names = "--create", description = "Create the RBD image (refuses an existing one); sized to the data"
            + " unless --size is given.")
    boolean create;

    @Option(names = "--size", paramLabel = "SIZE", description = "Size of the image --create makes.")
    String size;

    @Option(names = "--force", description = "Restore into an RBD image another client has open or locked,"
            + " breaking its lock.")
    boolean force;

    @Mixin
    CephOptions ceph;

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
        long sizeBytes;
        try {
            sizeBytes = size == null ? -1 : Sizes.parse(size);
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
            return restore(restoreSource, settings, budgetBytes, sizeBytes, err);
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

    private int restore(RestoreSource restoreSource, RestoreSettings settings, long budgetBytes, long sizeBytes,
                        PrintStream err) throws RestoreFailure {
        MemoryBudget budget = new MemoryBudget(budgetBytes);
        TargetRequest request = new TargetRequest(to, settings.targetZeroed(), create, sizeBytes, force, stateDir);
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
                    err.println("restore-agent: closing target " + to + " failed: " + e.getMessage());
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

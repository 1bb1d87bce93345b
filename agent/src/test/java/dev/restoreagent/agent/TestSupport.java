package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.cli.AgentMain;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.restore.WorkingSet;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.Verify;
import dev.restoreagent.agent.source.cinder.CinderBackupLocator;
import dev.restoreagent.agent.source.cinder.CinderSource;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.io.memory.BudgetExhaustedException;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.io.targets.FileTarget;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rbd.RbdImage;
import dev.restoreagent.testkit.CinderBackup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Shared helpers of the agent's tests. */
public final class TestSupport {
    private TestSupport() {
    }

    public static String sha256(Path file) throws IOException {
        return sha256(file, Files.size(file));
    }

    /** sha256 of the first {@code bytes} bytes of {@code file}. */
    public static String sha256(Path file, long bytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            long left = bytes;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(file + " is shorter than " + bytes + " bytes");
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The source for backup {@code top}, located the way the CLI locates it, verified as {@code auto} does. */
    public static RestoreSource source(CinderBackup top) throws RestoreFailure {
        return source(top, Verify.AUTO);
    }

    /** The source for backup {@code top}, verified as {@code verify} says. */
    public static RestoreSource source(CinderBackup top, Verify verify) throws RestoreFailure {
        CinderBackupLocator locator = new CinderBackupLocator(top.backupRoot());
        boolean defaultContainer = top.container().equals(CinderBackupLocator.defaultContainer(top.backupId()));
        return CinderSource.resolve(locator, locator.locate(top.backupId(), defaultContainer ? null : top.container()),
                verify, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Restores {@code source} onto {@code target} (created if missing) in this process. */
    public static RestoreResult restore(RestoreSource source, Path target, MemoryBudget budget,
                                        RestoreSettings settings) throws RestoreFailure, IOException {
        try (FileTarget fileTarget = FileTarget.open(target, source.extentBytes(), settings.targetZeroed(),
                target.resolveSibling("state"))) {
            return newRestore(source, fileTarget, budget, settings, "test " + target.getFileName(), Checkpoint.START,
                    reached -> { }).run();
        }
    }

    /**
     * A restore with its working set granted from {@code budget}, as the job runner would grant
     * it, waiting in the budget's queue if need be.
     */
    public static Restore newRestore(RestoreSource source, BlockTarget target, MemoryBudget budget,
                                     RestoreSettings settings, String holder, Checkpoint resumeFrom,
                                     Consumer<Checkpoint> onCheckpoint) {
        WorkingSet workingSet = WorkingSet.plan(settings, source.codecs(), Math.max(1, source.widestLayer()),
                budget.totalBytes(), Runtime.getRuntime().availableProcessors(), source.readerBytes(),
                source.readCopyBytes());
        BudgetLease lease;
        try {
            lease = budget.acquire(workingSet.totalBytes(), holder, Duration.ofMinutes(5));
        } catch (BudgetExhaustedException | InterruptedException e) {
            throw new IllegalStateException("no memory for " + holder + " in time", e);
        }
        return new Restore(source, target, lease, workingSet, settings, holder, resumeFrom, onCheckpoint);
    }

    /** {@link #newRestore} from the start, reporting no checkpoints. */
    public static Restore newRestore(RestoreSource source, BlockTarget target, MemoryBudget budget,
                                     RestoreSettings settings, String holder) {
        return newRestore(source, target, budget, settings, holder, Checkpoint.START, reached -> { });
    }

    /** sha256 of the first {@code bytes} of image {@code name} in {@code pool}, read through librbd. */
    public static String sha256(IoContext pool, String name, long bytes) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        byte[] heap = new byte[1 << 20];
        try (RbdImage image = RbdImage.open(pool, name)) {
            for (long at = 0; at < bytes; at += buffer.capacity()) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), bytes - at));
                image.read(at, buffer);
                buffer.flip();
                int n = buffer.remaining();
                buffer.get(heap, 0, n);
                digest.update(heap, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A run of the command line in this process: its exit code and what it printed on stderr and stdout. */
    public record CliRun(int exitCode, String stderr, String stdout) {
    }

    public static synchronized CliRun cli(String... args) {
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = AgentMain.run(args);
            return new CliRun(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
    }

    /** Polls job {@code id} until it is neither QUEUED nor RUNNING, for at most two minutes. */
    public static JsonNode finished(ControlClient client, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            JsonNode job = client.job(id);
            String state = job.path("state").asText();
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " still " + state);
            }
            Thread.sleep(100);
        }
    }
}

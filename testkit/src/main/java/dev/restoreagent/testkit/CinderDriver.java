package dev.restoreagent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cinder's own backup drivers, run by {@code cinder_driver.py} (in this jar, from src/main/python) under the
 * system's Python with Debian's {@code python3-cinder}: backups written by Cinder's code and Cinder's own
 * restore step, for the tests and the bench. One instance is one backup repository (posix: a
 * {@code backup_posix_path}) with the SQLite file of its rows; not thread-safe.
 */
public final class CinderDriver {
    /** The interpreter that has python3-cinder; a pyenv {@code python3} on PATH does not. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final String SCRIPT_RESOURCE = "cinder_driver.py";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MINUTES = 60;

    private final Path script;
    private final String driver;
    /** posix: backup_posix_path; null for an object store's driver */
    private final Path backupPath;
    /** an object store's driver: the SQLite file of the rows; null for posix (it lives in backupPath) */
    private final Path db;
    private final Map<String, String> environment;

    private CinderDriver(Path script, String driver, Path backupPath, Path db, Map<String, String> environment) {
        this.script = script;
        this.driver = driver;
        this.backupPath = backupPath;
        this.db = db;
        this.environment = Map.copyOf(environment);
    }

    /** Why Cinder's drivers cannot run here, or null when they can (python3-cinder and python3-zstd importable). */
    public static String unavailableReason() {
        if (!Files.isExecutable(PYTHON)) {
            return PYTHON + " is missing";
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c",
                    "import cinder.backup.drivers.posix, zstd").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "importing Cinder's posix driver did not finish in 60 s";
            }
            return p.exitValue() == 0 ? null
                    : "Cinder is not importable by " + PYTHON + " (apt-get install python3-cinder python3-zstd): "
                            + lastLine(out);
        } catch (IOException e) {
            return "cannot run " + PYTHON + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Cinder's PosixBackupDriver with {@code backupPath} as {@code backup_posix_path}; the script is copied into
     * {@code workDir} (created if missing).
     */
    public static CinderDriver posix(Path backupPath, Path workDir) throws IOException {
        Files.createDirectories(backupPath);
        return new CinderDriver(script(workDir), "posix", backupPath.toAbsolutePath(), null, Map.of());
    }

    /**
     * Cinder's S3BackupDriver ({@code store} "s3") or SwiftBackupDriver ("swift") against the test
     * cluster's RGW, whose address and keys the script takes from the environment ({@code RGW_*},
     * see CephTestCluster); the rows are kept in {@code workDir}.
     */
    public static CinderDriver objectStore(String store, Path workDir) throws IOException {
        return objectStore(store, workDir, Map.of());
    }

    /**
     * As {@link #objectStore(String, Path)}, with {@code environment} (e.g. the {@code RGW_*} of a cluster this
     * process started, which its own environment cannot hold) added to the script's.
     */
    public static CinderDriver objectStore(String store, Path workDir, Map<String, String> environment)
            throws IOException {
        if (!store.equals("s3") && !store.equals("swift")) {
            throw new IllegalArgumentException("not an object store driver: " + store);
        }
        return new CinderDriver(script(workDir), store, null, workDir.resolve("cinder-" + store + ".sqlite"),
                environment);
    }

    private static Path script(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path script = workDir.resolve(SCRIPT_RESOURCE);
        try (InputStream in = CinderDriver.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IOException(SCRIPT_RESOURCE + " is not in the testkit jar");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    public Path backupPath() {
        return backupPath;
    }

    /**
     * What to back up and how; null fields take Cinder's defaults (zlib, 1999994880-byte chunks, 32 KiB sha
     * blocks, the container {@code id[0:2]/id[2:4]/id}).
     */
    public record BackupSpec(Path volume, String backupId, String volumeId, String parentId, String compression,
                             Long chunkSizeBytes, Long shaBlockSizeBytes, String container) {
    }

    /**
     * A backup Cinder's driver wrote: {@code cinder backup-export}'s record (saved as a file), its
     * container and object prefix (the row's {@code service_metadata}), and for posix the backup's files.
     */
    public record Made(Path recordFile, String container, String prefix, CinderBackup backup) {
    }

    /** Runs the driver's backup() as Cinder's backup manager does; the export record goes to {@code recordFile}. */
    public Made backup(BackupSpec spec, Path recordFile) throws IOException {
        return backup(spec, recordFile, Map.of());
    }

    /** As {@link #backup(BackupSpec, Path)}, with more of cinder.conf's [DEFAULT] options set for it. */
    public Made backup(BackupSpec spec, Path recordFile, Map<String, String> options) throws IOException {
        List<String> args = new ArrayList<>(List.of("backup", "--volume", spec.volume().toString(), "--backup-id",
                spec.backupId(), "--volume-id", spec.volumeId(), "--record", recordFile.toString()));
        add(args, "--parent-id", spec.parentId());
        add(args, "--compression", spec.compression());
        add(args, "--chunk-size", spec.chunkSizeBytes());
        add(args, "--sha-block-size", spec.shaBlockSizeBytes());
        add(args, "--container", spec.container());
        options.forEach((option, value) -> add(args, "--set", option + "=" + value));
        run(args);
        JsonNode row = JSON.readTree(Base64.getMimeDecoder().decode(
                JSON.readTree(recordFile.toFile()).get("backup_url").asText()));
        String container = row.get("container").asText();
        String prefix = row.get("service_metadata").asText();
        if (backupPath == null) {
            return new Made(recordFile, container, prefix, null);
        }
        Path metadata = backupPath.resolve(container).resolve(prefix + CinderBackup.METADATA_SUFFIX);
        return new Made(recordFile, container, prefix, CinderBackup.read(backupPath, metadata));
    }

    /**
     * Cinder's own restore step, as its manager's _run_restore runs it, into {@code output} (opened 'wb').
     *
     * @param seconds wall time of the step (the driver made, the target opened, restore(), closed)
     * @param cpuSeconds user and system CPU of the process during the step
     * @param peakRssBytes the process's peak resident set at the end (VmHWM; ru_maxrss would include the JVM it
     *     was forked from)
     * @param rssBeforeBytes its peak before the step: the interpreter, Cinder's modules, the database
     */
    public record RestoreStep(double seconds, double cpuSeconds, long peakRssBytes, long rssBeforeBytes) {
    }

    public RestoreStep restore(String backupId, Path output) throws IOException {
        JsonNode result = JSON.readTree(run(List.of("restore", "--backup-id", backupId, "--output",
                output.toString())));
        return new RestoreStep(result.get("seconds").asDouble(), result.get("cpu_seconds").asDouble(),
                result.get("peak_rss_bytes").asLong(), result.get("rss_before_bytes").asLong());
    }

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }

    private String run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.add(args.get(0));
        command.addAll(backupPath != null ? List.of("--driver", driver, "--backup-path", backupPath.toString())
                : List.of("--driver", driver, "--db", db.toString()));
        command.addAll(args.subList(1, args.size()));
        Path err = Files.createTempFile(script.getParent(), "cinder-driver", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
            pb.environment().putAll(environment);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("cinder_driver.py " + args.get(0) + " still running after "
                        + TIMEOUT_MINUTES + " min");
            }
            if (p.exitValue() != 0) {
                throw new IOException("cinder_driver.py " + args.get(0) + " exited " + p.exitValue() + ": "
                        + lastLine(Files.readString(err)));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: cinder_driver.py " + args.get(0), e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}

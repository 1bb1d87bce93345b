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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Cinder's own backup drivers, run by {@code cinder_driver.py} (in this jar, from src/main/python) under the
 * system's Python with Debian's {@code python3-cinder}: backups written by Cinder's code and Cinder's own
 * restore step, for the tests and the bench. One instance is one backup repository (posix: a
 * {@code backup_posix_path}; ceph: a pool of the {@link CephBackupCluster}) with the SQLite file of its rows; not
 * thread-safe.
 */
public final class CinderDriver {
    /** The interpreter that has python3-cinder; a pyenv {@code python3} on PATH does not. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    /** The class Cinder records as the backup service of its Ceph backups (an export record's backup_service). */
    public static final String CEPH_SERVICE = "cinder.backup.drivers.ceph.CephBackupDriver";

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
        return probe("import cinder.backup.drivers.posix, zstd", "Cinder's posix driver",
                "Cinder is not importable by " + PYTHON + " (apt-get install python3-cinder python3-zstd)");
    }

    /** Null when {@code python} runs under {@link #PYTHON}; else why not, {@code failed} and its last line. */
    private static String probe(String python, String what, String failed) {
        if (!Files.isExecutable(PYTHON)) {
            return PYTHON + " is missing";
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", python).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "importing " + what + " did not finish in 60 s";
            }
            return p.exitValue() == 0 ? null : failed + ": " + lastLine(out);
        } catch (IOException e) {
            return "cannot run " + PYTHON + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Why Cinder's Ceph backup driver cannot run here, or null when it can: its module with python3-rados and
     * python3-rbd, os-brick's RBD wrapper, and the {@code rbd} command it pipes export-diff into import-diff with.
     */
    public static String cephUnavailableReason() {
        return probe("import shutil, cinder.backup.drivers.ceph, rados, rbd; from os_brick.initiator import linuxrbd;"
                + " assert shutil.which('rbd'), 'no rbd command on PATH'", "Cinder's ceph driver",
                "Cinder's Ceph backup driver cannot run under " + PYTHON
                        + " (apt-get install python3-cinder python3-rados python3-rbd ceph-common)");
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

    /**
     * Cinder's CephBackupDriver as a cinder-backup node of a kolla-ansible deployment runs it: backups go to
     * {@code backups}' cluster ({@code backup_ceph_conf} = its {@link CephBackupCluster#conf()},
     * {@code backup_ceph_user} = its {@link CephBackupCluster#cinderBackupId()}, {@code backup_ceph_pool} = its
     * {@link CephBackupCluster#pool()}), RBD volumes live in the volume cluster of {@code volumeConf} (pool
     * {@code rbd}, opened as client.admin, whose keyring that conf names), and the rows are kept in {@code workDir}.
     */
    public static CinderDriver ceph(CephBackupCluster backups, Path volumeConf, Path workDir) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("BACKUP_CEPH_CONF", backups.conf().toAbsolutePath().toString());
        environment.put("BACKUP_CEPH_CINDER_USER", backups.cinderBackupId());
        environment.put("BACKUP_CEPH_POOL", backups.pool());
        environment.put("CEPH_CONF", volumeConf.toAbsolutePath().toString());
        return new CinderDriver(script(workDir), "ceph", null, workDir.resolve("cinder-ceph.sqlite"), environment);
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

    /** A change made to an RBD volume before its backup, as a guest would make it. */
    public sealed interface VolumeEdit {
        /** The bytes of {@code source} written at {@code offsetBytes}. */
        record Write(long offsetBytes, Path source) implements VolumeEdit {
            public Write {
                Objects.requireNonNull(source, "source");
            }
        }

        /**
         * A discard (rbd_discard). librbd zeroes whole 64 KiB granules only (rbd_discard_granularity_bytes) and skips
         * partial ones, so use object-aligned ranges where the zeros matter.
         */
        record Discard(long offsetBytes, long lengthBytes) implements VolumeEdit {
        }

        static VolumeEdit write(long offsetBytes, Path source) {
            return new Write(offsetBytes, source);
        }

        static VolumeEdit discard(long offsetBytes, long lengthBytes) {
            return new Discard(offsetBytes, lengthBytes);
        }
    }

    /**
     * What Cinder's Ceph driver backs up; make one with {@link #rbd}, {@link #file} or {@link #snapshot}.
     *
     * @param volumeFile     null: the RBD volume {@code rbd/volume-VOLUMEID} of the volume cluster, made at
     *                       {@code sizeGib} if missing, which the driver backs up by its RBD path (export-diff into
     *                       import-diff); else a plain file, which it copies in chunks
     * @param sizeGib        the volume's size, as Cinder's row has it: the backup image's size
     * @param edits          the RBD volume's changes made before the backup (empty for a file)
     * @param chunkSizeBytes backup_ceph_chunk_size for the chunked copy; null for Cinder's 128 MiB
     */
    public record CephBackupSpec(String backupId, String volumeId, String parentId, String snapshotId, int sizeGib,
                                 Path volumeFile, List<VolumeEdit> edits, Long chunkSizeBytes) {
        public CephBackupSpec {
            Objects.requireNonNull(backupId, "backupId");
            Objects.requireNonNull(volumeId, "volumeId");
            edits = List.copyOf(edits);
            if (sizeGib < 1) {
                throw new IllegalArgumentException("sizeGib must be at least 1: " + sizeGib);
            }
            if (volumeFile != null && (!edits.isEmpty() || parentId != null)) {
                throw new IllegalArgumentException("edits and a parent need the RBD volume, not a file");
            }
        }

        /**
         * A backup of the RBD volume by the driver's RBD path: with {@code parentId} null a full one (a new base image
         * {@code volume-VOLUMEID.backup.BACKUPID} in the pool), else an increment onto the parent's base image. Each
         * leaves a snapshot {@code backup.BACKUPID.snap.TIME} on the volume and on the base image.
         */
        public static CephBackupSpec rbd(String backupId, String volumeId, String parentId, int sizeGib,
                List<VolumeEdit> edits) {
            return new CephBackupSpec(backupId, volumeId, parentId, null, sizeGib, null, edits, null);
        }

        /**
         * A full backup of a plain file, the driver's chunked copy into {@code volume-VOLUMEID.backup.BACKUPID}. A file
         * shorter than {@code sizeGib} stands for the volume's first bytes, the rest zeros (see cinder_driver.py).
         */
        public static CephBackupSpec file(Path volumeFile, String backupId, String volumeId, int sizeGib) {
            return new CephBackupSpec(backupId, volumeId, null, null, sizeGib, Objects.requireNonNull(volumeFile),
                    List.of(), null);
        }

        /**
         * A backup of snapshot {@code snapshotId} of the volume, whose bytes {@code volumeFile} holds (the manager
         * would attach the snapshot; the driver only looks at the backup's snapshot_id): always the chunked copy, into
         * the legacy name {@code volume-VOLUMEID.backup.base}, which Zed still writes for these.
         */
        public static CephBackupSpec snapshot(Path volumeFile, String snapshotId, String backupId, String volumeId,
                int sizeGib) {
            return new CephBackupSpec(backupId, volumeId, null, Objects.requireNonNull(snapshotId), sizeGib,
                    Objects.requireNonNull(volumeFile), List.of(), null);
        }

        public CephBackupSpec withChunkSize(long chunkSizeBytes) {
            return new CephBackupSpec(backupId, volumeId, parentId, snapshotId, sizeGib, volumeFile, edits,
                    chunkSizeBytes);
        }
    }

    /**
     * A backup Cinder's Ceph driver wrote, and where.
     *
     * @param pool            the backup's container: the pool in the backup cluster
     * @param baseImage       the RBD image in that pool holding the backup ({@code volume-VOLUMEID.backup.FULLID}
     *                        for the RBD path and its increments, {@code volume-VOLUMEID.backup.BACKUPID} for a
     *                        chunked copy, {@code volume-VOLUMEID.backup.base} for a snapshot's)
     * @param snapshot        the base image's snapshot that is this backup ({@code backup.BACKUPID.snap.TIME}), or null
     *                        when the whole image is (the chunked copies)
     * @param volumeSizeGib   the volume's size, and the base image's
     * @param sha256          the sha256 of the volume's {@code volumeSizeGib} GiB as the backup saw them, read back
     *                        from the volume right after it (a shorter file padded with zeros)
     * @param serviceMetadata the row's service_metadata as the driver set it ({"base": "..."} on the RBD path; null for
     *                        the chunked copies)
     * @param metadataObject  the RADOS object of the volume's metadata in the pool ({@code backup.BACKUPID.meta}), or
     *                        null if the driver wrote none
     * @param recordFile      {@code cinder backup-export}'s record of the backup
     */
    public record CephBackup(String backupId, String volumeId, String parentId, String snapshotId, String pool,
                             String baseImage, String snapshot, int volumeSizeGib, String sha256,
                             String serviceMetadata, String metadataObject, Path recordFile) {
    }

    /**
     * Runs Cinder's CephBackupDriver.backup() as the backup manager does (this instance must be {@link #ceph}); the
     * export record goes to {@code recordFile}. The RBD volume stays (later backups of it are increments), as do the
     * backups: {@link #removeCephVolume} removes them.
     */
    public CephBackup backupCeph(CephBackupSpec spec, Path recordFile) throws IOException {
        if (!driver.equals("ceph")) {
            throw new IllegalStateException("not Cinder's Ceph driver: " + driver);
        }
        Path work = script.getParent();
        Path result = Files.createTempFile(work, "ceph-backup", ".json");
        Path edits = null;
        try {
            List<String> args = new ArrayList<>(List.of("backup", "--backup-id", spec.backupId(), "--volume-id",
                    spec.volumeId(), "--size-gib", Integer.toString(spec.sizeGib()), "--record", recordFile.toString(),
                    "--result", result.toString()));
            if (spec.volumeFile() == null) {
                args.add("--rbd-volume");
            } else {
                add(args, "--volume", spec.volumeFile().toAbsolutePath());
            }
            add(args, "--parent-id", spec.parentId());
            add(args, "--snapshot-id", spec.snapshotId());
            add(args, "--chunk-size", spec.chunkSizeBytes());
            if (!spec.edits().isEmpty()) {
                edits = Files.createTempFile(work, "ceph-edits", ".json");
                JSON.writeValue(edits.toFile(), spec.edits().stream().map(CinderDriver::editJson).toList());
                add(args, "--edits", edits);
            }
            run(args);
            JsonNode r = JSON.readTree(result.toFile());
            return new CephBackup(r.get("backup_id").asText(), r.get("volume_id").asText(), text(r, "parent_id"),
                    text(r, "snapshot_id"), r.get("pool").asText(), r.get("base").asText(), text(r, "snapshot"),
                    r.get("size_gib").asInt(), r.get("sha256").asText(), text(r, "service_metadata"),
                    text(r, "metadata_object"), recordFile);
        } finally {
            Files.deleteIfExists(result);
            if (edits != null) {
                Files.deleteIfExists(edits);
            }
        }
    }

    /**
     * Removes what {@link #backupCeph} made for the volume: its RBD image {@code rbd/volume-VOLUMEID} with its
     * snapshots, and in the backup pool the images {@code volume-VOLUMEID.backup.*} with theirs and the metadata
     * objects of its backups. Missing ones are no error.
     */
    public void removeCephVolume(String volumeId) throws IOException {
        if (!driver.equals("ceph")) {
            throw new IllegalStateException("not Cinder's Ceph driver: " + driver);
        }
        run(List.of("remove-ceph-volume", "--volume-id", volumeId));
    }

    private static Map<String, Object> editJson(VolumeEdit edit) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (edit instanceof VolumeEdit.Write w) {
            json.put("op", "write");
            json.put("offset", w.offsetBytes());
            json.put("file", w.source().toAbsolutePath().toString());
        } else if (edit instanceof VolumeEdit.Discard d) {
            json.put("op", "discard");
            json.put("offset", d.offsetBytes());
            json.put("length", d.lengthBytes());
        }
        return json;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
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
        if (args.get(0).equals("remove-ceph-volume")) {
            command.addAll(List.of("--db", db.toString()));
        } else {
            command.addAll(backupPath != null ? List.of("--driver", driver, "--backup-path", backupPath.toString())
                    : List.of("--driver", driver, "--db", db.toString()));
        }
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

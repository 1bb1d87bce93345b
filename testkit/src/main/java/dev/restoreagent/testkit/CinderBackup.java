package dev.restoreagent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A backup in the Cinder chunked format as it lies on disk, written by {@link CinderBackupWriter} or read back
 * with {@link #read(Path, Path)}.
 *
 * @param backupRoot the repository root ({@code backup_posix_path})
 * @param backupId the backup's UUID
 * @param volumeId the backed-up volume's UUID
 * @param container the container directory relative to {@code backupRoot}, as in the DB {@code container}
 * @param containerDir {@code backupRoot.resolve(container)}
 * @param prefix the object name prefix (DB {@code service_metadata})
 * @param parentId the parent backup's UUID for an incremental backup, else {@code null}
 * @param objects the metadata's {@code objects}, in list (restore) order
 * @param volumeBytes the volume's length in bytes when it was backed up
 * @param shaBlockSizeBytes the sha256file's {@code chunk_size}
 * @param sha256s the sha256file's {@code sha256s}: one hex SHA-256 per sha block of the whole volume
 * @param volumeSizeGiB the volume size in GiB recorded in {@code volume_meta} (DB {@code size})
 * @param name the backup's display name, or {@code null}
 * @param description the backup's display description, or {@code null}
 * @param createdAt the backup's {@code created_at}
 */
public record CinderBackup(
        Path backupRoot,
        String backupId,
        String volumeId,
        String container,
        Path containerDir,
        String prefix,
        String parentId,
        List<ObjectEntry> objects,
        long volumeBytes,
        int shaBlockSizeBytes,
        List<String> sha256s,
        int volumeSizeGiB,
        String name,
        String description,
        Instant createdAt) {

    /** The driver class path that {@code cinder backup-export} names for posix backups. */
    public static final String POSIX_DRIVER = "cinder.backup.drivers.posix.PosixBackupDriver";

    static final String METADATA_SUFFIX = "_metadata";
    static final String SHA256_SUFFIX = "_sha256file";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Checks the required components and makes the lists immutable. */
    public CinderBackup {
        Objects.requireNonNull(backupRoot, "backupRoot");
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(volumeId, "volumeId");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(containerDir, "containerDir");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(createdAt, "createdAt");
        objects = List.copyOf(objects);
        sha256s = List.copyOf(sha256s);
    }

    /** {@code <containerDir>/<prefix>_metadata}. */
    public Path metadataPath() {
        return containerDir.resolve(prefix + METADATA_SUFFIX);
    }

    /** {@code <containerDir>/<prefix>_sha256file}. */
    public Path sha256FilePath() {
        return containerDir.resolve(prefix + SHA256_SUFFIX);
    }

    /** The path of the data object called {@code name} (no check that it belongs to this backup). */
    public Path objectPath(String name) {
        return containerDir.resolve(name);
    }

    /**
     * What {@code cinder backup-export} returns for this backup: {@code {"backup_service": "...PosixBackupDriver",
     * "backup_url": "<base64 of the JSON of the Backup DB fields plus "driver_info": {}>"}}. Both levels are written
     * like oslo {@code jsonutils.dumps} (one line, not sorted). The record says {@code status "available"};
     * fields the test kit does not model (user, project, host, ...) carry fixed placeholder values or null.
     */
    public String exportRecordJson() {
        // Backup.encode_record(driver_info=...) starts from the kwargs and then adds every object field.
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("driver_info", Map.of());
        record.put("id", backupId);
        record.put("user_id", "testkit-user");
        record.put("project_id", "testkit-project");
        record.put("volume_id", volumeId);
        record.put("host", "testkit-backup-host");
        record.put("availability_zone", null);
        record.put("container", container);
        record.put("parent_id", parentId);
        record.put("status", "available");
        record.put("fail_reason", null);
        record.put("size", volumeSizeGiB);
        record.put("display_name", name);
        record.put("display_description", description);
        record.put("service_metadata", prefix);
        record.put("service", POSIX_DRIVER);
        record.put("object_count", objects.size());
        record.put("temp_volume_id", null);
        record.put("temp_snapshot_id", null);
        record.put("num_dependent_backups", 0);
        record.put("snapshot_id", null);
        record.put("data_timestamp", CinderTime.isoZ(createdAt));
        record.put("restore_volume_id", null);
        record.put("metadata", Map.of());
        record.put("encryption_key_id", null);
        record.put("created_at", CinderTime.isoZ(createdAt));
        record.put("updated_at", CinderTime.isoZ(createdAt));
        record.put("deleted_at", null);
        record.put("deleted", false);
        String url =
                Base64.getEncoder()
                        .encodeToString(PythonJson.dumps(record, false, null).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> export = new LinkedHashMap<>();
        export.put("backup_service", POSIX_DRIVER);
        export.put("backup_url", url);
        return PythonJson.dumps(export, false, null);
    }

    /**
     * Reads a backup back from its {@code <prefix>_metadata} file and the {@code <prefix>_sha256file} next to it.
     *
     * <p>The metadata does not record the volume length, so {@link #volumeBytes()} is derived: it is where the
     * objects that reach into the last sha block end; when no object does (an increment that left the last block
     * unchanged), the last block is as long as it was in the parent, which is then looked up under {@code
     * backupRoot} with {@link #findMetadata(Path, String)}.
     *
     * @param backupRoot the repository root; the container is the metadata file's directory relative to it
     * @param metadataFile a {@code <prefix>_metadata} file under {@code backupRoot}
     * @throws IOException if a file cannot be read, or a needed parent cannot be found
     * @throws IllegalArgumentException if the file is not named {@code *_metadata} or is not under the root
     */
    public static CinderBackup read(Path backupRoot, Path metadataFile) throws IOException {
        String fileName = metadataFile.getFileName().toString();
        if (!fileName.endsWith(METADATA_SUFFIX)) {
            throw new IllegalArgumentException("not a metadata file (*" + METADATA_SUFFIX + "): " + metadataFile);
        }
        String prefix = fileName.substring(0, fileName.length() - METADATA_SUFFIX.length());
        Path root = backupRoot.toAbsolutePath().normalize();
        Path containerDir = metadataFile.toAbsolutePath().normalize().getParent();
        if (!containerDir.startsWith(root) || containerDir.equals(root)) {
            throw new IllegalArgumentException(metadataFile + " is not in a container under " + backupRoot);
        }
        String container = root.relativize(containerDir).toString();
        JsonNode metadata = MAPPER.readTree(Files.readAllBytes(metadataFile));
        JsonNode sha256file = MAPPER.readTree(Files.readAllBytes(containerDir.resolve(prefix + SHA256_SUFFIX)));

        List<ObjectEntry> objects = new ArrayList<>();
        for (JsonNode element : metadata.path("objects")) {
            Map.Entry<String, JsonNode> only = element.properties().iterator().next();
            JsonNode o = only.getValue();
            objects.add(
                    new ObjectEntry(
                            only.getKey(),
                            o.path("offset").asLong(),
                            o.path("length").asLong(),
                            o.path("md5").asText(),
                            o.path("compression").asText()));
        }
        List<String> sha256s = new ArrayList<>();
        sha256file.path("sha256s").forEach(n -> sha256s.add(n.asText()));
        int shaBlockSize = sha256file.path("chunk_size").asInt();
        String parentId = text(metadata, "parent_id");
        long volumeBytes = volumeBytes(root, objects, shaBlockSize, sha256s.size(), parentId);

        String volumeMeta = text(metadata, "volume_meta");
        int sizeGiB =
                volumeMeta == null
                        ? CinderBackupWriter.defaultSizeGiB(volumeBytes)
                        : MAPPER.readTree(volumeMeta).path("volume-base-metadata").path("size").asInt();
        return new CinderBackup(
                root,
                metadata.path("backup_id").asText(),
                metadata.path("volume_id").asText(),
                container,
                containerDir,
                prefix,
                parentId,
                objects,
                volumeBytes,
                shaBlockSize,
                sha256s,
                sizeGiB,
                text(metadata, "backup_name"),
                text(metadata, "backup_description"),
                CinderTime.parsePythonStr(metadata.path("created_at").asText()));
    }

    /**
     * Finds the {@code _metadata} file of the backup {@code backupId} anywhere under {@code backupRoot} (by its
     * name, {@code ..._backup_<id>_metadata}), which works for default and user-named containers alike.
     *
     * @throws NoSuchFileException if there is none
     * @throws IOException if there are several, or the tree cannot be walked
     */
    public static Path findMetadata(Path backupRoot, String backupId) throws IOException {
        String suffix = "_backup_" + backupId + METADATA_SUFFIX;
        List<Path> found;
        try (Stream<Path> files = Files.walk(backupRoot)) {
            found = files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
        if (found.isEmpty()) {
            throw new NoSuchFileException(backupRoot + "/**/*" + suffix);
        }
        if (found.size() > 1) {
            throw new IOException("several metadata files for backup " + backupId + ": " + found);
        }
        return found.get(0);
    }

    private static long volumeBytes(
            Path root, List<ObjectEntry> objects, int shaBlockSize, int blocks, String parentId)
            throws IOException {
        if (blocks == 0) {
            return 0;
        }
        long lastBlockStart = (long) (blocks - 1) * shaBlockSize;
        long end = objects.stream().mapToLong(o -> o.offset() + o.length()).max().orElse(0);
        if (end > lastBlockStart) {
            // Objects are cut at the end of the data, so one that covers the last block ends where the volume does.
            return end;
        }
        if (parentId == null) {
            throw new IOException("the objects of full backup do not reach its last sha block");
        }
        // The last block is unchanged, so it has the same hash and therefore the same length as in the parent.
        long parentBytes = read(root, findMetadata(root, parentId)).volumeBytes();
        if (parentBytes <= lastBlockStart) {
            throw new IOException("parent " + parentId + " is shorter than the unchanged last block of its child");
        }
        return lastBlockStart + Math.min(shaBlockSize, parentBytes - lastBlockStart);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}

package dev.restoreagent.agent.source.cinder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.nativeb.libc.RegularFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * What {@code cinder backup-export} prints: {@code {"backup_service": "<driver>", "backup_url":
 * "<base64 of the backup's database row as JSON>"}}. The row names the backup's container and
 * object prefix ({@code service_metadata}).
 */
public record CinderExportRecord(String backupId, String container, String prefix, String parentId) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RECORD_BYTES = 1 << 20;

    /**
     * @param objectStore whether the backup is to be read from Swift or S3 (else from files): its
     *     {@code backup_service} must be of the same kind
     */
    public static CinderExportRecord read(Path file, boolean objectStore) throws RestoreFailure {
        Parsed parsed = parse(file);
        String where = parsed.where();
        String service = parsed.service();
        boolean files = service.endsWith("PosixBackupDriver") || service.endsWith("NFSBackupDriver")
                || service.endsWith(".posix") || service.endsWith(".nfs");
        boolean stored = service.endsWith("SwiftBackupDriver") || service.endsWith("S3BackupDriver")
                || service.endsWith(".swift") || service.endsWith(".s3");
        if (objectStore ? !stored : !files) {
            throw RestoreFailure.badInput(where + " is of backup_service '" + service + "'; "
                    + (objectStore ? "only Swift and S3 backups can be restored from an object store"
                    : "only posix and NFS backups can be restored from files"
                    + (stored ? " (give its store's options instead of a backup root)" : "")));
        }
        JsonNode row = parsed.row();
        String id = field(row, "id", where);
        String container = field(row, "container", where);
        String prefix = field(row, "service_metadata", where);
        JsonNode parent = row.get("parent_id");
        return new CinderExportRecord(BackupIds.check(id, where + ": id"), container, prefix,
                parent == null || parent.isNull() ? null : parent.asText());
    }

    /**
     * An export record read and decoded, its driver not yet checked.
     *
     * @param where how messages name it: {@code Cinder export record FILE}
     * @param service its {@code backup_service}: the driver's class or module
     * @param row the backup's database row, from {@code backup_url}
     */
    public record Parsed(String where, String service, JsonNode row) {
        /** Whether Cinder's Ceph driver wrote the backup. */
        public boolean isCephDriver() {
            return service.endsWith("CephBackupDriver") || service.endsWith(".ceph");
        }

        /** The row's text field {@code name}, which must be there. */
        public String field(String name) throws RestoreFailure {
            return CinderExportRecord.field(row, name, where);
        }
    }

    /**
     * Reads and decodes the record in {@code file} (a regular file of at most 1 MiB).
     *
     * @throws RestoreFailure naming the file: unreadable, not a regular file, not JSON, no base64 JSON
     *     {@code backup_url}
     */
    public static Parsed parse(Path file) throws RestoreFailure {
        String where = "Cinder export record " + file;
        JsonNode record;
        try {
            byte[] bytes;
            // a regular file (a link to one is followed): the daemon reads a request's record on its event
            // loop, where the open of a FIFO would wait for a writer for ever, and /dev/zero would be read into
            // the heap without end
            try (InputStream in = Channels.newInputStream(RegularFile.openForReading(file.toRealPath()))) {
                // one byte past the limit tells a larger file without reading it all
                bytes = in.readNBytes(MAX_RECORD_BYTES + 1);
            }
            if (bytes.length > MAX_RECORD_BYTES) {
                throw RestoreFailure.badInput(where + " is larger than 1 MiB");
            }
            record = JSON.readTree(bytes);
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot read " + where + ": " + e.getMessage(), e);
        }
        if (record == null || !record.isObject() || !record.path("backup_url").isTextual()) {
            throw RestoreFailure.badInput(where + " has no backup_url string");
        }
        JsonNode row;
        try {
            byte[] decoded = Base64.getMimeDecoder().decode(record.get("backup_url").asText());
            row = JSON.readTree(new String(decoded, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IOException e) {
            throw RestoreFailure.badInput(where + ": backup_url is not base64-encoded JSON: " + e.getMessage(), e);
        }
        if (row == null || !row.isObject()) {
            throw RestoreFailure.badInput(where + ": backup_url is not a backup's JSON object");
        }
        return new Parsed(where, record.path("backup_service").asText(""), row);
    }

    private static String field(JsonNode row, String name, String where) throws RestoreFailure {
        JsonNode value = row.get(name);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw RestoreFailure.badInput(where + ": the backup record has no " + name);
        }
        return value.asText();
    }
}

package dev.restoreagent.agent.source.rbd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.cinder.BackupIds;
import dev.restoreagent.agent.source.cinder.CinderExportRecord;

import java.io.IOException;

/**
 * A backup of Cinder's Ceph driver, as its database row (or the request) names it.
 *
 * @param pool the backup pool: the row's {@code container}; null for the cluster's default
 * @param base the base image the row's {@code service_metadata} names ({@code {"base": ...}}), or null
 *     when it names none (a full backup of a non-RBD volume, an old backup)
 */
public record CephDriverBackup(String backupId, String volumeId, String pool, String base) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The backup an export record of the Ceph driver holds.
     *
     * @throws RestoreFailure the record lacks the id or volume id, or its service_metadata is not the driver's
     */
    public static CephDriverBackup of(CinderExportRecord.Parsed record) throws RestoreFailure {
        String id = BackupIds.check(record.field("id"), record.where() + ": id");
        String volume = BackupIds.check(record.field("volume_id"), record.where() + ": volume_id");
        JsonNode container = record.row().get("container");
        JsonNode metadata = record.row().get("service_metadata");
        return new CephDriverBackup(id, volume,
                container == null || !container.isTextual() || container.asText().isEmpty() ? null : container.asText(),
                base(metadata == null || metadata.isNull() ? null : metadata.asText(), record.where()));
    }

    /**
     * The base image {@code serviceMetadata} names: Cinder's {@code {"base": "volume-...backup..."}}, or null
     * for none.
     *
     * @throws RestoreFailure it is not that JSON
     */
    public static String base(String serviceMetadata, String where) throws RestoreFailure {
        if (serviceMetadata == null || serviceMetadata.isEmpty()) {
            return null;
        }
        try {
            JsonNode base = JSON.readTree(serviceMetadata).get("base");
            if (base == null || !base.isTextual() || base.asText().isEmpty()) {
                throw RestoreFailure.badInput(where + ": service_metadata '" + serviceMetadata
                        + "' names no base image (the Ceph driver writes {\"base\": \"volume-...\"})");
            }
            return base.asText();
        } catch (IOException e) {
            throw RestoreFailure.badInput(where + ": service_metadata '" + serviceMetadata + "' is not JSON", e);
        }
    }
}

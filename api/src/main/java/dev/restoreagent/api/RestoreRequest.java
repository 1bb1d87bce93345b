package dev.restoreagent.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * What to restore where: the choices of {@code restore-agent restore}, and the body of
 * {@code POST /v1/restores} (JSON, snake_case names). Exactly one source: {@code backupId} or
 * {@code cinderRecord} (both with {@code backupRoot} or {@code store}; or, for a backup of Cinder's
 * Ceph driver, {@code backupId} with {@code volumeId}, and a record of that driver, with the backup
 * cluster's {@code store} or {@code backupCluster}, or none for the target's cluster), {@code image},
 * or {@code from} (an RBD image or snapshot).
 *
 * @param imageFormat auto, raw, zstd, zlib, gzip or bz2
 * @param size size of the RBD image {@code create} makes, e.g. {@code 20GiB}; null for the data's extent
 * @param idempotencyKey a caller's key: submitting the same key again returns the same job
 * @param createOptions how {@code create} makes the image; null for the defaults
 * @param verify auto, sha256, md5 or both (how the backup's data is checked); null for auto
 * @param verifyAfter read the target back at the end against the backup's sha256file
 * @param store instead of {@code backupRoot}: the Swift or S3 store agent.conf names so
 *     ({@code store.<name>.type}); {@code container} is then its bucket or container
 * @param serviceMetadata with {@code backupId}: the backup's object prefix, as Cinder's backup row
 *     has it ({@code service_metadata}), so that it is found without listing its container; for the
 *     Ceph driver, its base image ({@code {"base": "volume-...backup..."}})
 * @param volumeId with {@code backupId}: the backup is one of Cinder's Ceph driver, of this volume
 * @param from an RBD snapshot or image to restore, {@code rbd:POOL[/NAMESPACE]/IMAGE[@SNAP]}, read
 *     from the backup cluster
 * @param backupCluster where Ceph-driver backups are read: Cinder's {@code backup_ceph_*} options;
 *     null for a {@code store} of type ceph, or the target's cluster
 * @param parentRecords with {@code cinderRecord}: the export records of backups below it in its chain,
 *     in any order; a parent one names is read where it says, not looked for (a parent in another
 *     container than its child's and Cinder's default is found so, or by listing the store's
 *     containers); null or empty for none
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreRequest(String backupRoot, String backupId, String container, String cinderRecord, String image,
                             String imageFormat, String to, Boolean create, String size, Boolean force,
                             Boolean targetZeroed, String idempotencyKey, CreateOptions createOptions,
                             String verify, Boolean verifyAfter, String store,
                             String serviceMetadata, String volumeId, String from, BackupCluster backupCluster,
                             List<String> parentRecords) {

    /** A request without parents' export records. */
    public RestoreRequest(String backupRoot, String backupId, String container, String cinderRecord, String image,
                          String imageFormat, String to, Boolean create, String size, Boolean force,
                          Boolean targetZeroed, String idempotencyKey, CreateOptions createOptions,
                          String verify, Boolean verifyAfter, String store, String serviceMetadata, String volumeId,
                          String from, BackupCluster backupCluster) {
        this(backupRoot, backupId, container, cinderRecord, image, imageFormat, to, create, size, force, targetZeroed,
                idempotencyKey, createOptions, verify, verifyAfter, store, serviceMetadata, volumeId, from,
                backupCluster, null);
    }

    /** A request of the chunked drivers' backups or an image: no Ceph-driver fields. */
    public RestoreRequest(String backupRoot, String backupId, String container, String cinderRecord, String image,
                          String imageFormat, String to, Boolean create, String size, Boolean force,
                          Boolean targetZeroed, String idempotencyKey, CreateOptions createOptions,
                          String verify, Boolean verifyAfter, String store, String serviceMetadata) {
        this(backupRoot, backupId, container, cinderRecord, image, imageFormat, to, create, size, force, targetZeroed,
                idempotencyKey, createOptions, verify, verifyAfter, store, serviceMetadata, null, null, null);
    }

    /** The parents' export records, empty when there are none. */
    @JsonIgnore
    public List<String> parentRecordList() {
        return parentRecords == null ? List.of() : parentRecords;
    }

    @JsonIgnore
    public boolean isCreate() {
        return Boolean.TRUE.equals(create);
    }

    @JsonIgnore
    public boolean isVerifyAfter() {
        return Boolean.TRUE.equals(verifyAfter);
    }

    @JsonIgnore
    public boolean isForce() {
        return Boolean.TRUE.equals(force);
    }

    @JsonIgnore
    public boolean isTargetZeroed() {
        return Boolean.TRUE.equals(targetZeroed);
    }
}

package dev.restoreagent.agent.job;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.Verify;
import dev.restoreagent.agent.source.cinder.BackupLocator;
import dev.restoreagent.agent.source.cinder.CinderBackupLocator;
import dev.restoreagent.agent.source.cinder.CinderExportRecord;
import dev.restoreagent.agent.source.cinder.CinderSource;
import dev.restoreagent.agent.source.cinder.LocatedBackup;
import dev.restoreagent.agent.source.cinder.ObjectStoreLocator;
import dev.restoreagent.agent.source.cinder.RecordedParents;
import dev.restoreagent.agent.source.image.ImageSource;
import dev.restoreagent.agent.source.rbd.RbdSnapshotSpec;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.TargetRequest;
import dev.restoreagent.api.CreateOptions;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.nativeb.rbd.ImageCreateOptions;
import dev.restoreagent.units.Sizes;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Turns a {@link RestoreRequest} into a resolved source and a target request. */
public final class RestoreRequests {
    private RestoreRequests() {
    }

    /**
     * Checks the request's shape: one source, a target, known values.
     *
     * @throws IllegalArgumentException naming the field at fault
     */
    public static void validate(RestoreRequest request) {
        int sources = (request.backupId() != null ? 1 : 0) + (request.cinderRecord() != null ? 1 : 0)
                + (request.image() != null ? 1 : 0) + (request.from() != null ? 1 : 0);
        if (sources != 1) {
            throw new FieldException("backup_id", "give exactly one source: backup_id, cinder_record, image or from");
        }
        if (request.volumeId() != null && request.backupId() == null) {
            throw new FieldException("volume_id", "volume_id goes with backup_id (a backup of Cinder's Ceph driver)");
        }
        boolean ceph = request.from() != null || request.volumeId() != null || request.backupCluster() != null
                || request.cinderRecord() != null && cephRecord(request.cinderRecord());
        if (request.image() == null && !ceph && request.backupRoot() == null && request.store() == null) {
            throw new FieldException("backup_root", "backup_root is required with backup_id and cinder_record"
                    + " (or the object store the backup is in)");
        }
        if (request.backupRoot() != null && request.store() != null) {
            throw new FieldException("backup_root", "backup_root and store both say where the backup is: give one");
        }
        if (request.image() != null && (request.backupRoot() != null || request.container() != null
                || request.store() != null)) {
            throw new FieldException("backup_root", "backup_root, store and container go with a Cinder backup,"
                    + " not image");
        }
        if (ceph && request.backupRoot() != null) {
            throw new FieldException("backup_root", "backup_root goes with posix and NFS backups; an RBD snapshot is"
                    + " read from a Ceph cluster (store, backup_cluster, or the target's)");
        }
        if (request.backupCluster() != null && request.store() != null) {
            throw new FieldException("backup_cluster", "backup_cluster and store both say where the backup is: give"
                    + " one");
        }
        if (request.backupCluster() != null && !ceph) {
            throw new FieldException("backup_cluster", "backup_cluster goes with a backup of Cinder's Ceph driver or"
                    + " from");
        }
        if (request.to() == null || request.to().isBlank()) {
            throw new FieldException("to", "to is required: a path or rbd:POOL[/NAMESPACE]/IMAGE");
        }
        if (request.serviceMetadata() != null && request.backupId() == null) {
            throw new FieldException("service_metadata", "service_metadata goes with backup_id");
        }
        if (!request.parentRecordList().isEmpty() && (request.cinderRecord() == null || ceph)) {
            throw new FieldException("parent_records", "parent_records go with the cinder_record of a posix, NFS,"
                    + " Swift or S3 backup");
        }
        codec(request.imageFormat());
        sizeBytes(request);
        createOptions(request);
        verify(request);
        if (request.from() != null) {
            try {
                RbdSnapshotSpec.parse(request.from());
            } catch (IllegalArgumentException e) {
                throw new FieldException("from", "from " + e.getMessage());
            }
        }
        if (ceph && request.verify() != null && verify(request) != Verify.AUTO) {
            throw new FieldException("verify", "verify " + request.verify() + " checks a chunked backup's checksums;"
                    + " an RBD snapshot carries none (verify_after compares the target with it)");
        }
        if (request.isVerifyAfter() && request.image() != null) {
            throw new FieldException("verify_after", "verify_after reads a target back against a Cinder backup's"
                    + " sha256file; an image has none");
        }
    }

    /** Whether the export record in {@code file} is of Cinder's Ceph driver; false when it cannot be read (resolving says why). */
    private static boolean cephRecord(String file) {
        try {
            return CinderExportRecord.parse(Path.of(file)).isCephDriver();
        } catch (RestoreFailure | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** The {@code verify} mode. */
    public static Verify verify(RestoreRequest request) {
        try {
            return Verify.of(request.verify());
        } catch (IllegalArgumentException e) {
            throw new FieldException("verify", e.getMessage());
        }
    }

    /** The native options {@code create_options} asks for; they go only with {@code create}. */
    static ImageCreateOptions createOptions(RestoreRequest request) {
        CreateOptions options = request.createOptions();
        if (options == null || options.isEmpty()) {
            return ImageCreateOptions.DEFAULTS;
        }
        if (!request.isCreate()) {
            throw new FieldException("create_options", "create_options go with create");
        }
        return imageOptions(options);
    }

    /**
     * The native options {@code options} ask for.
     *
     * @throws FieldException naming the field at fault
     */
    private static ImageCreateOptions imageOptions(CreateOptions options) {
        int order = ImageCreateOptions.DEFAULTS.order();
        if (options.objectSize() != null) {
            try {
                order = ImageCreateOptions.order(Sizes.parse(options.objectSize()));
            } catch (IllegalArgumentException e) {
                throw new FieldException("create_options.object_size", e.getMessage());
            }
        }
        long features;
        try {
            features = options.imageFeatures() == null ? 0
                    : ImageCreateOptions.featureBits(options.imageFeatures());
        } catch (IllegalArgumentException e) {
            throw new FieldException("create_options.image_features", e.getMessage());
        }
        if (options.dataPool() != null && options.dataPool().isBlank()) {
            throw new FieldException("create_options.data_pool", "must name a pool");
        }
        return new ImageCreateOptions(order, features, options.dataPool());
    }

    /** The codec {@code image_format} names; null for auto. */
    public static Codec codec(String imageFormat) {
        if (imageFormat == null) {
            return null;
        }
        return switch (imageFormat.toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "raw" -> Codec.NONE;
            case "zstd" -> Codec.ZSTD;
            case "zlib" -> Codec.ZLIB;
            case "gzip" -> Codec.GZIP;
            case "bz2" -> Codec.BZIP2;
            default -> throw new FieldException("image_format", "image_format '" + imageFormat
                    + "' is not one of auto, raw, zstd, zlib, gzip, bz2");
        };
    }

    /** {@code size} in bytes, or -1. */
    public static long sizeBytes(RestoreRequest request) {
        try {
            return request.size() == null ? -1 : Sizes.parse(request.size());
        } catch (IllegalArgumentException e) {
            throw new FieldException("size", e.getMessage());
        }
    }

    /**
     * Locates and validates the source; reads metadata, not data.
     *
     * @param stores the object stores a request may name
     * @param tempDir where a restore keeps what it must not hold in memory (sha256 hashes)
     */
    public static RestoreSource resolveSource(RestoreRequest request, Stores stores, Path tempDir)
            throws RestoreFailure {
        if (request.image() != null) {
            return ImageSource.of(request.image(), codec(request.imageFormat()));
        }
        CinderExportRecord.Parsed record = request.cinderRecord() == null ? null
                : CinderExportRecord.parse(Path.of(request.cinderRecord()));
        if (CephDriverSources.applies(request, record)) {
            return CephDriverSources.resolve(request, record, stores);
        }
        if (request.store() != null && stores.ceph(request.store()).isPresent()) {
            throw RestoreFailure.badInput("store " + request.store() + " is a Ceph cluster: a backup of Cinder's Ceph"
                    + " driver is named by backup_id with volume_id, or by its export record");
        }
        BackupLocator locator = locator(request, stores);
        return CinderSource.resolve(locator, locateTop(request, locator), verify(request), tempDir);
    }

    /**
     * Where the request's backups are: its backup root, or the object store it names; a parent whose
     * export record the request has, where the record says.
     */
    static BackupLocator locator(RestoreRequest request, Stores stores) throws RestoreFailure {
        BackupLocator repository = request.store() != null ? new ObjectStoreLocator(stores.get(request.store()))
                : new CinderBackupLocator(Path.of(request.backupRoot()));
        if (request.parentRecordList().isEmpty()) {
            return repository;
        }
        Map<String, CinderExportRecord> parents = new HashMap<>();
        for (String file : request.parentRecordList()) {
            CinderExportRecord record = CinderExportRecord.read(Path.of(file), request.store() != null);
            parents.put(record.backupId(), record);
        }
        return new RecordedParents(repository, parents);
    }

    /** Where the request's Cinder backup (the top of its chain) is. */
    static LocatedBackup locateTop(RestoreRequest request, BackupLocator locator) throws RestoreFailure {
        if (request.cinderRecord() != null) {
            CinderExportRecord record = CinderExportRecord.read(Path.of(request.cinderRecord()),
                    request.store() != null);
            return locator.locate(record.backupId(),
                    request.container() != null ? request.container() : record.container(), record.prefix());
        }
        if (request.serviceMetadata() != null) {
            return locator.locate(request.backupId(), request.container(), request.serviceMetadata());
        }
        return locator.locate(request.backupId(), request.container());
    }

    /**
     * @param resume the request ran before and was interrupted (see {@link TargetRequest#resume()})
     */
    public static TargetRequest target(RestoreRequest request, Path stateDir, boolean resume) {
        return new TargetRequest(request.to(), request.isTargetZeroed(), request.isCreate(), sizeBytes(request),
                createOptions(request), request.isForce(), stateDir, resume);
    }

    /** A request field is wrong; {@link #field()} names it (for the API's 400 answers). */
    public static final class FieldException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;

        public FieldException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }

        /** The message with the command line's option names for the fields: {@code --backup-root}. */
        public String withOptionNames() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "\\b(backup_root|backup_id|volume_id|backup_cluster|store|service_metadata|cinder_record|image_format|verify_after|image|container|to|size"
                            + "|create_options\\.(?:data_pool|image_features|object_size)|create_options|create)\\b")
                    .matcher(getMessage());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, "--" + optionName(m.group(1)));
            }
            return m.appendTail(out).toString();
        }

        private static String optionName(String field) {
            return switch (field) {
                case "create_options" -> "the --create options";
                case "create_options.image_features" -> "image-feature";
                case "backup_cluster" -> "backup-ceph-* options";
                default -> field.replace("create_options.", "").replace('_', '-');
            };
        }
    }
}

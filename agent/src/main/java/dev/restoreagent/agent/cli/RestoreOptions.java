package dev.restoreagent.agent.cli;

import dev.restoreagent.api.CreateOptions;
import dev.restoreagent.api.RestoreRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * What to restore where, as options: shared by {@code restore} (in process) and {@code submit}
 * (to the daemon), so both take the same choices with the same names.
 */
final class RestoreOptions {
    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Source (one of):%n")
    SourceChoice source;

    static final class SourceChoice {
        @Option(names = "--backup-id", paramLabel = "ID",
                description = "Cinder backup to restore (with --backup-root, or a store's options); its chain is followed"
                        + " to the full backup.")
        String backupId;

        @Option(names = "--cinder-record", paramLabel = "FILE",
                description = "JSON printed by 'cinder backup-export' naming the backup (with --backup-root, or a store's"
                        + " options). Again for backups below it in its chain, in any order: each is read where its"
                        + " record says (a parent in another container than its child's and the default one).")
        List<Path> cinderRecords;

        @Option(names = "--image", paramLabel = "FILE|-",
                description = "Disk image stream, raw or zstd/zlib/gzip/bz2 compressed; - reads standard input.")
        String image;

        @Option(names = "--from", paramLabel = "rbd:POOL/IMAGE[@SNAP]",
                description = "An RBD snapshot (or an image, read-only) of the backup cluster (--backup-ceph-*; default:"
                        + " the target's cluster).")
        String from;
    }

    @Option(names = "--volume-id", paramLabel = "VOL",
            description = "With --backup-id: the backup is one of Cinder's Ceph driver, of this volume; found as Cinder"
                    + " finds it (a snapshot backup.ID.snap.* of volume-VOL.backup.*, else volume-VOL.backup.ID, else"
                    + " volume-VOL.backup.base).")
    String volumeId;

    @Mixin
    BackupClusterOptions backupCluster;

    @Option(names = "--backup-root", paramLabel = "DIR",
            description = "Backup repository: backup_posix_path, or the NFS share's mount point.")
    Path backupRoot;

    @Option(names = "--container", paramLabel = "REL",
            description = "The backup's container relative to --backup-root, if not Cinder's default id[0:2]/id[2:4]/id.")
    String container;

    @Option(names = "--image-format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "Compression of --image: auto, raw, zstd, zlib, gzip, bz2 (default: ${DEFAULT-VALUE},"
                    + " from magic bytes).")
    String imageFormat;

    @Option(names = "--to", required = true, paramLabel = "TARGET",
            description = {"Target: rbd:POOL[/NAMESPACE]/IMAGE, a block device, or a regular file (a missing file is"
                    + " created, as large as the data)."})
    String to;

    @Option(names = "--create", description = "Create the RBD image (refuses an existing one); sized to the data"
            + " unless --size is given.")
    boolean create;

    @Option(names = "--size", paramLabel = "SIZE", description = "Size of the image --create makes.")
    String size;

    @Option(names = "--data-pool", paramLabel = "POOL",
            description = "With --create: a separate pool for the image's data (an erasure-coded one).")
    String dataPool;

    @Option(names = "--image-feature", paramLabel = "FEATURE",
            description = "With --create: a feature of the image (layering, exclusive-lock, object-map, fast-diff,"
                    + " deep-flatten, journaling, striping); repeat or comma-separate (default: the cluster's).")
    List<String> imageFeatures;

    @Option(names = "--object-size", paramLabel = "SIZE",
            description = "With --create: the image's object size, a power of two from 4KiB to 64MiB (default: 4MiB).")
    String objectSize;

    @Option(names = "--verify", paramLabel = "MODE",
            description = "What the data is checked against: auto (each layer's sha256file where it has a usable one,"
                    + " else the md5 of each object), sha256, md5, both (default: auto). From S3 and Swift, an"
                    + " object's ETag (the MD5 of its stored bytes) is checked too, unless sha256 checks the object.")
    String verify;

    @Option(names = "--verify-after",
            description = "At the end, read the target back and check every block against the backup's sha256file"
                    + " (as restore-agent verify does).")
    boolean verifyAfter;

    @Option(names = "--force", description = "Restore into an RBD image another client has open or locked,"
            + " breaking its lock.")
    boolean force;

    @Option(names = "--target-zeroed",
            description = "The target already reads as zeros, so zero blocks of the full backup need not be written.")
    boolean targetZeroed;

    /**
     * The options as a request; paths are made absolute, since a daemon has another working directory.
     *
     * @param store the object store the backup is in, or null
     * @param storeContainer the bucket or container the store's options name, or null
     */
    RestoreRequest toRequest(String idempotencyKey, String store, String storeContainer) {
        if (container != null && storeContainer != null) {
            throw new IllegalArgumentException("--container and the store's bucket or container option name the"
                    + " same thing: give one");
        }
        return new RestoreRequest(absolute(backupRoot), source.backupId,
                storeContainer != null ? storeContainer : container,
                source.cinderRecords == null ? null : absolute(source.cinderRecords.get(0)),
                source.image == null || source.image.equals("-") ? source.image
                        : Path.of(source.image).toAbsolutePath().toString(),
                imageFormat, to.startsWith("rbd:") ? to : Path.of(to).toAbsolutePath().toString(), create ? true : null,
                size, force ? true : null, targetZeroed ? true : null, idempotencyKey,
                dataPool == null && imageFeatures == null && objectSize == null ? null
                        : new CreateOptions(dataPool, imageFeatures, objectSize), verify, verifyAfter ? true : null,
                store, null, volumeId, source.from, backupCluster.toBackupCluster(), parentRecords());
    }

    /** The records after the first --cinder-record: its parents', or null. */
    private List<String> parentRecords() {
        if (source.cinderRecords == null || source.cinderRecords.size() < 2) {
            return null;
        }
        return source.cinderRecords.subList(1, source.cinderRecords.size()).stream().map(RestoreOptions::absolute)
                .toList();
    }

    private static String absolute(Path path) {
        return path == null ? null : path.toAbsolutePath().toString();
    }
}

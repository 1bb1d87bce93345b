package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.job.CephDriverSources;
import dev.restoreagent.agent.job.RestoreRequests;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.Verify;
import dev.restoreagent.agent.source.cinder.BackupLocator;
import dev.restoreagent.agent.source.cinder.CinderBackupLocator;
import dev.restoreagent.agent.source.cinder.CinderSource;
import dev.restoreagent.agent.source.cinder.LocatedBackup;
import dev.restoreagent.agent.source.cinder.ObjectStoreLocator;
import dev.restoreagent.agent.source.cinder.Sha256File;
import dev.restoreagent.agent.source.cinder.Sha256FileException;
import dev.restoreagent.agent.source.rbd.BackupClusters;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.ConnectFailure;
import dev.restoreagent.agent.targets.SharedConnection;
import dev.restoreagent.agent.verify.TargetReader;
import dev.restoreagent.agent.verify.TargetReaders;
import dev.restoreagent.agent.verify.TargetVerifier;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.units.Sizes;
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

/** {@code restore-agent verify}: reads a restored target back against the backup's sha256file. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads a restored target back and checks every block of the volume against the sha256file"
                + " of the backup (the top of its chain): exit 0 if all match, 4 naming the first that does not.",
                "A backup of Cinder's Ceph driver (--backup-id with --volume-id) or an RBD snapshot (--from) carries"
                + " no checksum: the target is compared with the snapshot, block by block.",
                "",
                "Examples:",
                "  restore-agent verify --backup-root /var/lib/cinder/backup --backup-id ID --target /dev/sdb",
                "  restore-agent verify --backup-id ID --volume-id VOL --backup-ceph-conf /etc/ceph/backup.conf"
                        + " --backup-ceph-user restore-agent --target rbd:volumes/volume-VOL"})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--backup-root", paramLabel = "DIR",
            description = "Where the backups are (or the --s3-*/--swift-* options of their store).")
    Path backupRoot;

    @Option(names = "--backup-id", paramLabel = "ID", description = "The backup the target holds.")
    String backupId;

    @Option(names = "--volume-id", paramLabel = "VOL",
            description = "With --backup-id: the backup is one of Cinder's Ceph driver, of this volume.")
    String volumeId;

    @Option(names = "--from", paramLabel = "rbd:POOL/IMAGE[@SNAP]",
            description = "Instead of a backup: the RBD snapshot (or image) the target was restored from.")
    String from;

    @Mixin
    BackupClusterOptions backupCluster;

    @Option(names = "--container", paramLabel = "REL",
            description = "The backup's container relative to --backup-root, if not Cinder's default.")
    String container;

    @Option(names = "--target", required = true, paramLabel = "TARGET",
            description = "rbd:POOL[/NAMESPACE]/IMAGE, a block device, or a file.")
    String target;

    @Option(names = "--buffer-size", paramLabel = "SIZE", defaultValue = "4MiB",
            description = "Bytes read at a time (default: ${DEFAULT-VALUE}).")
    String bufferSize;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the sha256file's hashes are kept while it runs (default: "
                    + RestoreCommand.DEFAULT_STATE_DIR + " where this user can write it, else "
                    + "$XDG_RUNTIME_DIR/restore-agent, else a private temporary directory).")
    Path stateDir;

    @Mixin
    CephOptions ceph;

    @Mixin
    ObjectStoreOptions storeOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        long start = System.nanoTime();
        int bytes = Math.toIntExact(Sizes.parse(bufferSize));
        if ((backupId == null) == (from == null)) {
            throw new ParameterException(spec.commandLine(), "give --backup-id or --from, one of them");
        }
        if (from != null || volumeId != null) {
            return compareWithSnapshot(err, start, bytes);
        }
        if ((backupRoot == null) == !storeOptions.given()) {
            throw new ParameterException(spec.commandLine(), "give --backup-root or a store's options (--s3-*,"
                    + " --swift-*), one of them");
        }
        if (container != null && storeOptions.container() != null) {
            throw new ParameterException(spec.commandLine(), "--container and the store's bucket or container"
                    + " option name the same thing: give one");
        }
        Stores stores;
        try {
            stores = storeOptions.open(RestoreSettings.DEFAULT_SOURCE_READ_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (ObjectStoreException e) {
            err.println("restore-agent: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        Path tempDir;
        try {
            tempDir = (stateDir != null ? stateDir
                    : LocalStateDir.choose(Path.of(RestoreCommand.DEFAULT_STATE_DIR), System.getenv())).resolve("tmp");
        } catch (IOException e) {
            stores.close();
            err.println("restore-agent: no state directory: cannot make a private one: " + e.getMessage());
            return ExitCode.INTERNAL;
        }
        try (stores) {
            BackupLocator locator = backupRoot != null ? new CinderBackupLocator(backupRoot)
                    : new ObjectStoreLocator(stores.get(ObjectStoreOptions.COMMAND_LINE_STORE));
            LocatedBackup top = locator.locate(backupId, container != null ? container : storeOptions.container());
            long volumeBytes;
            // the chain, validated as a restore would: where the volume ends
            try (RestoreSource source = CinderSource.resolve(locator, top, Verify.MD5, tempDir)) {
                volumeBytes = source.extentBytes();
            }
            try (Sha256File hashes = Sha256File.read(top.container(), top.sha256Name(), backupId, tempDir);
                 RbdConnection connection = TargetReaders.isRbd(target) ? connect() : null;
                 TargetReader reader = TargetReaders.open(target, connection);
                 DirectBufferPool buffers = new DirectBufferPool("verify", bytes, 1)) {
                TargetVerifier.Verified verified = new TargetVerifier(hashes, volumeBytes, backupId)
                        .verify(reader, buffers);
                double seconds = (System.nanoTime() - start) / 1e9;
                err.println(String.format(Locale.ROOT, "verified %s against backup %s: %d blocks of %s (%s, %d of"
                                + " them zero) match, in %.1f s", reader.name(), backupId, verified.blocks(),
                        Sizes.format(hashes.blockBytes()), Sizes.format(verified.bytes()), verified.zeroBlocks(),
                        seconds));
                return ExitCode.OK;
            }
        } catch (RestoreFailure e) {
            err.println("restore-agent: " + e.getMessage());
            return ExitCode.of(e.kind());
        } catch (Sha256FileException e) {
            err.println("restore-agent: backup " + backupId + " cannot be verified: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (NativeIoException e) {
            err.println("restore-agent: " + ConnectFailure.describe(e));
            return ExitCode.TARGET;
        } catch (IOException e) {
            err.println("restore-agent: cannot read target " + target + ": " + e.getMessage());
            return ExitCode.TARGET;
        } catch (InterruptedException e) {
            err.println("restore-agent: verify interrupted");
            return ExitCode.CANCELLED;
        } catch (Exception e) {
            // closing a source's sha256files: nothing the check depended on
            err.println("restore-agent: " + RestoreFailure.internal(e).getMessage());
            return ExitCode.INTERNAL;
        }
    }

    /** A Ceph-driver backup or a snapshot: the target beside it, block by block. */
    private int compareWithSnapshot(PrintStream err, long start, int bytes) {
        if (backupRoot != null || storeOptions.given()) {
            throw new ParameterException(spec.commandLine(), "--backup-root and the --s3-*/--swift-* options go with"
                    + " the chunked drivers' backups, not --from or --volume-id");
        }
        RestoreRequest request = new RestoreRequest(null, backupId, container, null, null, null, target, null, null,
                null, null, null, null, null, null, null, null, volumeId, from, backupCluster.toBackupCluster());
        try {
            RestoreRequests.validate(request);
        } catch (RestoreRequests.FieldException e) {
            throw new ParameterException(spec.commandLine(), e.withOptionNames(), e);
        }
        try (SharedConnection connection = new SharedConnection(ceph::connect);
             Stores stores = Stores.NONE.withClusters(new BackupClusters(connection::get,
                     Duration.ofSeconds(ceph.osdOpTimeoutSeconds)))) {
            TargetVerifier.Verified verified = CephDriverSources.compare(request, null, stores,
                    TargetReaders.isRbd(target) ? connection.get() : null, -1, bytes, () -> false);
            err.println(String.format(Locale.ROOT, "verified %s against %s: %s in %d blocks match, in %.1f s", target,
                    from != null ? from : "backup " + backupId, Sizes.format(verified.bytes()), verified.blocks(),
                    (System.nanoTime() - start) / 1e9));
            return ExitCode.OK;
        } catch (RestoreFailure e) {
            err.println("restore-agent: " + e.getMessage());
            return ExitCode.of(e.kind());
        } catch (NativeIoException e) {
            err.println("restore-agent: " + ConnectFailure.describe(e));
            return ExitCode.TARGET;
        } catch (InterruptedException e) {
            err.println("restore-agent: verify interrupted");
            return ExitCode.CANCELLED;
        }
    }

    private RbdConnection connect() throws NativeIoException {
        return ceph.connect();
    }
}

package dev.restoreagent.testkit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code make-backup}: writes a full or incremental Cinder backup with {@link CinderBackupWriter} and prints one
 * line of JSON: {@code backup_id}, {@code container}, {@code prefix}, {@code objects} (the object count) and
 * {@code metadata} (the metadata file, to pass as {@code --parent-metadata} of the next increment).
 */
@Command(name = "make-backup", mixinStandardHelpOptions = true, description = "Writes a Cinder chunked backup.")
final class MakeBackupCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(names = "--root", required = true, description = "backup repository root (backup_posix_path)")
    private Path root;

    @Option(names = "--volume", required = true, description = "volume file to back up")
    private Path volume;

    @Option(names = "--backup-id", description = "backup UUID (default: random)")
    private String backupId;

    @Option(names = "--volume-id", description = "volume UUID (default: the parent's, else random)")
    private String volumeId;

    @Option(names = "--container", description = "container relative to the root (default: id[0:2]/id[2:4]/id)")
    private String container;

    @Option(
            names = "--chunk-size",
            converter = ByteSize.class,
            defaultValue = "" + CinderBackupWriter.DEFAULT_CHUNK_SIZE_BYTES,
            description = "backup_file_size (default: ${DEFAULT-VALUE})")
    private long chunkSize;

    @Option(
            names = "--sha-block-size",
            converter = ByteSize.class,
            defaultValue = "" + CinderBackupWriter.DEFAULT_SHA_BLOCK_SIZE_BYTES,
            description = "backup_sha_block_size_bytes (default: ${DEFAULT-VALUE})")
    private long shaBlockSize;

    @Option(
            names = "--compression",
            defaultValue = CinderBackupWriter.DEFAULT_COMPRESSION,
            description = "none/off/no/zlib/gzip/bz2/bzip2/zstd (default: ${DEFAULT-VALUE})")
    private String compression;

    @Option(names = "--parent-metadata", description = "the parent's _metadata file: makes an incremental backup")
    private Path parentMetadata;

    @Option(names = "--name", description = "backup display name")
    private String name;

    @Option(names = "--description", description = "backup display description")
    private String description;

    @Override
    public Integer call() throws Exception {
        CinderBackupWriter.Builder builder =
                CinderBackupWriter.builder(root)
                        .backupId(backupId)
                        .volumeId(volumeId)
                        .container(container)
                        .chunkSizeBytes(chunkSize)
                        .shaBlockSizeBytes(Math.toIntExact(shaBlockSize))
                        .compression(compression)
                        .name(name)
                        .description(description);
        if (parentMetadata != null) {
            builder.parent(CinderBackup.read(root, parentMetadata));
        }
        CinderBackup backup = builder.write(volume);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("backup_id", backup.backupId());
        summary.put("container", backup.container());
        summary.put("prefix", backup.prefix());
        summary.put("objects", backup.objects().size());
        summary.put("metadata", backup.metadataPath().toString());
        spec.commandLine().getOut().println(PythonJson.dumps(summary, false, null));
        spec.commandLine().getOut().flush();
        return 0;
    }
}

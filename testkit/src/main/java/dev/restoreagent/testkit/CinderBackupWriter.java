package dev.restoreagent.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Writes a backup exactly as Cinder Zed's {@code PosixBackupDriver} (the chunked driver) does: data objects,
 * then {@code <prefix>_sha256file}, then {@code <prefix>_metadata}, in {@code <backupRoot>/<container>/}. The
 * behaviour follows Cinder's {@code cinder/backup/chunkeddriver.py}, {@code drivers/posix.py} and
 * {@code BackupMetadataAPI} (Zed, 21.x); comments name the Cinder function each part mirrors.
 *
 * <p>The volume is read in chunks of {@link Builder#chunkSizeBytes(long)}; one chunk is held in memory at a
 * time. A full backup stores one object per chunk; an incremental backup (with {@link Builder#parent}) stores
 * one object per maximal run of changed sha blocks inside each chunk. Create one with {@link #builder(Path)}.
 * Each writer writes one backup (one id): calling {@link #write(Path)} again rewrites the same backup.
 */
public final class CinderBackupWriter {

    /** Cinder's {@code backup_file_size} default (61035 × 32768). */
    public static final long DEFAULT_CHUNK_SIZE_BYTES = 1_999_994_880L;
    /** Cinder's {@code backup_sha_block_size_bytes} default. */
    public static final int DEFAULT_SHA_BLOCK_SIZE_BYTES = 32_768;
    /** Cinder's {@code backup_compression_algorithm} default. */
    public static final String DEFAULT_COMPRESSION = "zlib";

    static final long GIB = 1L << 30;

    private static final Set<PosixFilePermission> CONTAINER_MODE = PosixFilePermissions.fromString("rwxrwx---");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-rw----");
    // The largest byte[] a JVM reliably allocates.
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path backupRoot;
    private final String backupId;
    private final String volumeId;
    private final String container;
    private final long chunkSizeBytes;
    private final int shaBlockSizeBytes;
    private final IntFunction<String> compression;
    private final Instant createdAt;
    private final Integer volumeSizeGiB;
    private final String name;
    private final String description;
    private final CinderBackup parent;
    private final String volumeName;
    private final Map<String, String> volumeMetadata;
    private final String encryptionKeyId;

    private CinderBackupWriter(Builder b) {
        this.backupRoot = b.backupRoot;
        this.backupId = b.backupId != null ? b.backupId : UUID.randomUUID().toString();
        this.volumeId =
                b.volumeId != null
                        ? b.volumeId
                        : b.parent != null ? b.parent.volumeId() : UUID.randomUUID().toString();
        this.container = b.container != null ? b.container : defaultContainer(backupId);
        this.chunkSizeBytes = b.chunkSizeBytes;
        this.shaBlockSizeBytes = b.shaBlockSizeBytes;
        this.compression = b.compressionPerObject != null ? b.compressionPerObject : i -> b.compression;
        // The DB column has whole seconds, and Cinder formats the value it reads back from the DB.
        this.createdAt = (b.createdAt != null ? b.createdAt : Instant.now()).truncatedTo(ChronoUnit.SECONDS);
        this.volumeSizeGiB = b.volumeSizeGiB;
        this.name = b.name;
        this.description = b.description;
        this.parent = b.parent;
        this.volumeName = b.volumeName;
        // Copied in the caller's order: Map.copyOf's order changes from run to run, and so would the JSON.
        this.volumeMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.volumeMetadata));
        this.encryptionKeyId = b.encryptionKeyId;
    }

    /** Starts a writer for the repository {@code backupRoot} ({@code backup_posix_path}). */
    public static Builder builder(Path backupRoot) {
        return new Builder(backupRoot);
    }

    /** Cinder's default container for a backup: {@code id[0:2]/id[2:4]/id}. */
    public static String defaultContainer(String backupId) {
        return backupId.substring(0, 2) + "/" + backupId.substring(2, 4) + "/" + backupId;
    }

    /** {@code ceil(bytes / GiB)}, at least 1: the size of the smallest volume that holds {@code bytes}. */
    static int defaultSizeGiB(long bytes) {
        return (int) Math.max(1, (bytes + GIB - 1) / GIB);
    }

    /**
     * Backs up the regular file {@code volumeImage}, which must not change while it is read.
     *
     * @return the backup as written
     * @throws IllegalArgumentException if the file is not a regular file, the chunk to hold does not fit in a
     *     Java array, a per-object compression name is unknown, or (incremental) the size in GiB has grown
     *     since the parent
     */
    public CinderBackup write(Path volumeImage) throws IOException {
        if (!Files.isRegularFile(volumeImage)) {
            throw new IllegalArgumentException("not a regular file: " + volumeImage);
        }
        long volumeBytes = Files.size(volumeImage);
        int sizeGiB = volumeSizeGiB != null ? volumeSizeGiB : defaultSizeGiB(volumeBytes);
        if (parent != null && sizeGiB > parent.volumeSizeGiB()) {
            throw new IllegalArgumentException("Volume size increased since the last backup. Do a full backup.");
        }
        long bufferBytes = Math.min(chunkSizeBytes, Math.max(volumeBytes, 1));
        if (bufferBytes > MAX_ARRAY) {
            throw new IllegalArgumentException("chunk size too large to hold in memory: " + chunkSizeBytes);
        }
        String prefix = "volume_" + volumeId + "_" + CinderTime.prefixStamp(createdAt) + "_backup_" + backupId;
        Path containerDir = backupRoot.resolve(container);
        if (!Files.isDirectory(containerDir)) {
            // PosixBackupDriver.put_container: makedirs, then chmod the leaf only, and only when it creates it.
            Files.createDirectories(containerDir);
            Files.setPosixFilePermissions(containerDir, CONTAINER_MODE);
        }

        ObjectStore store = new ObjectStore(containerDir, prefix);
        List<String> sha256s = new ArrayList<>();
        byte[] chunk = new byte[(int) bufferBytes];
        try (InputStream in = Files.newInputStream(volumeImage)) {
            long offset = 0;
            int n;
            while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                List<String> chunkShas = shaBlocks(chunk, n);
                if (parent == null) {
                    store.put(chunk, 0, n, offset);
                } else {
                    storeChangedRuns(store, chunk, n, offset, chunkShas, sha256s.size());
                }
                sha256s.addAll(chunkShas);
                offset += n;
            }
        }

        writeJson(containerDir.resolve(prefix + CinderBackup.SHA256_SUFFIX), sha256file(sha256s));
        String volumeMeta = volumeMeta(sizeGiB);
        writeJson(containerDir.resolve(prefix + CinderBackup.METADATA_SUFFIX), metadata(store.objects, volumeMeta));
        return new CinderBackup(
                backupRoot,
                backupId,
                volumeId,
                container,
                containerDir,
                prefix,
                parent == null ? null : parent.backupId(),
                store.objects,
                volumeBytes,
                shaBlockSizeBytes,
                sha256s,
                sizeGiB,
                name,
                description,
                createdAt);
    }

    // ChunkedBackupDriver.backup(): a run of changed blocks ends at the first unchanged block or at the chunk end.
    private void storeChangedRuns(
            ObjectStore store, byte[] chunk, int n, long offset, List<String> chunkShas, int firstBlock)
            throws IOException {
        List<String> parentShas = parent.sha256s();
        int runStart = -1;
        for (int b = 0; b < chunkShas.size(); b++) {
            int global = firstBlock + b;
            // A block past the end of the parent's list has nothing to equal, so it counts as changed.
            boolean changed = global >= parentShas.size() || !parentShas.get(global).equals(chunkShas.get(b));
            if (changed && runStart < 0) {
                runStart = b;
            } else if (!changed && runStart >= 0) {
                int from = runStart * shaBlockSizeBytes;
                store.put(chunk, from, b * shaBlockSizeBytes - from, offset + from);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            int from = runStart * shaBlockSizeBytes;
            store.put(chunk, from, n - from, offset + from);
        }
    }

    private List<String> shaBlocks(byte[] chunk, int n) {
        MessageDigest sha256 = digest("SHA-256");
        List<String> shas = new ArrayList<>();
        for (int from = 0; from < n; from += shaBlockSizeBytes) {
            sha256.update(chunk, from, Math.min(shaBlockSizeBytes, n - from));
            shas.add(HexFormat.of().formatHex(sha256.digest()));
        }
        return shas;
    }

    private Map<String, Object> sha256file(List<String> sha256s) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("version", "1.0.0");
        file.put("backup_id", backupId);
        file.put("volume_id", volumeId);
        file.put("backup_name", name);
        file.put("backup_description", description);
        file.put("created_at", CinderTime.pythonStr(createdAt));
        file.put("chunk_size", shaBlockSizeBytes);
        file.put("sha256s", sha256s);
        return file;
    }

    private Map<String, Object> metadata(List<ObjectEntry> objects, String volumeMeta) {
        List<Object> list = new ArrayList<>();
        for (ObjectEntry o : objects) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("compression", o.compression());
            fields.put("length", o.length());
            fields.put("md5", o.md5());
            fields.put("offset", o.offset());
            list.add(Map.of(o.name(), fields));
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("version", "1.0.0");
        file.put("backup_id", backupId);
        file.put("volume_id", volumeId);
        file.put("backup_name", name);
        file.put("backup_description", description);
        file.put("created_at", CinderTime.pythonStr(createdAt));
        file.put("objects", list);
        file.put("parent_id", parent == null ? null : parent.backupId());
        file.put("volume_meta", volumeMeta);
        return file;
    }

    // BackupMetadataAPI.get(): version first, then the volume row, then user metadata only if there is some.
    private String volumeMeta(int sizeGiB) {
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("created_at", CinderTime.primitive(createdAt));
        base.put("updated_at", CinderTime.primitive(createdAt));
        base.put("deleted_at", null);
        base.put("deleted", false);
        base.put("id", volumeId);
        base.put("user_id", "testkit-user");
        base.put("project_id", "testkit-project");
        base.put("snapshot_id", null);
        base.put("host", "testkit-volume-host");
        base.put("size", sizeGiB);
        base.put("availability_zone", "nova");
        base.put("status", "backing-up");
        base.put("attach_status", "detached");
        base.put("display_name", volumeName);
        base.put("display_description", null);
        base.put("volume_type_id", null);
        base.put("source_volid", null);
        base.put("encryption_key_id", encryptionKeyId);
        base.put("bootable", false);
        base.put("multiattach", false);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("version", 2);
        meta.put("volume-base-metadata", base);
        if (!volumeMetadata.isEmpty()) {
            meta.put("volume-metadata", volumeMetadata);
        }
        return PythonJson.dumps(meta, false, null);
    }

    private static void writeJson(Path file, Map<String, Object> content) throws IOException {
        byte[] bytes = PythonJson.dumps(content, true, 2).getBytes(StandardCharsets.UTF_8);
        writeFile(file, bytes, 0, bytes.length);
    }

    // PosixBackupDriver.get_object_writer: open(path, 'wb') then chmod 0660.
    private static void writeFile(Path file, byte[] data, int off, int len) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(data, off, len);
        }
        Files.setPosixFilePermissions(file, FILE_MODE);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide MD5 and SHA-256.
            throw new IllegalStateException(e);
        }
    }

    /** Names, compresses and writes data objects in order, and remembers their entries. */
    private final class ObjectStore {
        private final Path containerDir;
        private final String prefix;
        private final List<ObjectEntry> objects = new ArrayList<>();

        ObjectStore(Path containerDir, String prefix) {
            this.containerDir = containerDir;
            this.prefix = prefix;
        }

        // ChunkedBackupDriver._backup_chunk + _prepare_output_data.
        void put(byte[] data, int off, int len, long volumeOffset) throws IOException {
            String name = String.format(Locale.ROOT, "%s-%05d", prefix, objects.size() + 1);
            String algorithm = compression.apply(objects.size());
            ObjectCodec codec = ObjectCodec.forAlgorithm(algorithm);
            byte[] packed = codec.compress(data, off, len);
            boolean compressed = codec != ObjectCodec.NONE && packed.length < len;
            MessageDigest md5 = digest("MD5");
            md5.update(data, off, len);
            if (compressed) {
                writeFile(containerDir.resolve(name), packed, 0, packed.length);
            } else {
                writeFile(containerDir.resolve(name), data, off, len);
            }
            String tag = compressed ? algorithm.toLowerCase(Locale.ROOT) : "none";
            objects.add(new ObjectEntry(name, volumeOffset, len, HexFormat.of().formatHex(md5.digest()), tag));
        }
    }

    /** Options of a {@link CinderBackupWriter}; every one has Cinder's default. */
    public static final class Builder {
        private final Path backupRoot;
        private String backupId;
        private String volumeId;
        private String container;
        private long chunkSizeBytes = DEFAULT_CHUNK_SIZE_BYTES;
        private int shaBlockSizeBytes = DEFAULT_SHA_BLOCK_SIZE_BYTES;
        private String compression = DEFAULT_COMPRESSION;
        private IntFunction<String> compressionPerObject;
        private Instant createdAt;
        private Integer volumeSizeGiB;
        private String name;
        private String description;
        private CinderBackup parent;
        private String volumeName;
        private Map<String, String> volumeMetadata = Map.of();
        private String encryptionKeyId;

        private Builder(Path backupRoot) {
            this.backupRoot = Objects.requireNonNull(backupRoot, "backupRoot");
        }

        /** The backup's UUID; default a random one. */
        public Builder backupId(String uuid) {
            this.backupId = uuid;
            return this;
        }

        /** The volume's UUID; default the parent's volume id for an increment, else a random one. */
        public Builder volumeId(String uuid) {
            this.volumeId = uuid;
            return this;
        }

        /**
         * A user-named container, relative to the root and possibly shared with other backups; default
         * {@code null}, which means Cinder's {@code id[0:2]/id[2:4]/id}.
         */
        public Builder container(String relative) {
            this.container = relative;
            return this;
        }

        /** {@code backup_file_size}: bytes read per step; must be a multiple of the sha block size. */
        public Builder chunkSizeBytes(long bytes) {
            this.chunkSizeBytes = bytes;
            return this;
        }

        /** {@code backup_sha_block_size_bytes}; an increment must use its parent's. */
        public Builder shaBlockSizeBytes(int bytes) {
            this.shaBlockSizeBytes = bytes;
            return this;
        }

        /**
         * {@code backup_compression_algorithm}, case-insensitive: none/off/no/zlib/gzip/bz2/bzip2/zstd. Objects
         * are tagged with it lower-cased, or with {@code none} when it is disabled or did not shrink the object.
         */
        public Builder compression(String algorithm) {
            this.compression = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /**
         * Chooses the algorithm per object (0-based index in write order), to make backups with mixed tags as if
         * the option had been changed between objects. Overrides {@link #compression(String)}.
         */
        public Builder compressionPerObject(IntFunction<String> algorithmForObject) {
            this.compressionPerObject = algorithmForObject;
            return this;
        }

        /** The backup's creation time (prefix stamp and {@code created_at}); truncated to seconds; default now. */
        public Builder createdAt(Instant instant) {
            this.createdAt = instant;
            return this;
        }

        /** The volume size recorded in {@code volume_meta}; default {@code ceil(bytes / GiB)}, at least 1. */
        public Builder volumeSizeGiB(int gib) {
            this.volumeSizeGiB = gib;
            return this;
        }

        /** The backup's display name; default {@code null}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The backup's display description; default {@code null}. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Makes an incremental backup against {@code parent} (its sha256s and sha block size). */
        public Builder parent(CinderBackup parent) {
            this.parent = parent;
            return this;
        }

        /** The volume's display name in {@code volume_meta}; default {@code null}. */
        public Builder volumeName(String name) {
            this.volumeName = name;
            return this;
        }

        /**
         * User metadata of the volume, written as {@code volume-metadata} (in the map's iteration order, so pass a
         * {@link java.util.LinkedHashMap} or {@link java.util.TreeMap} for more than one entry) when not empty;
         * default empty.
         */
        public Builder volumeMetadata(Map<String, String> metadata) {
            this.volumeMetadata = Objects.requireNonNull(metadata, "metadata");
            return this;
        }

        /** The volume's {@code encryption_key_id} in {@code volume_meta}; default {@code null}. */
        public Builder encryptionKeyId(String keyId) {
            this.encryptionKeyId = keyId;
            return this;
        }

        /**
         * Checks the options as Cinder's {@code backup()} does and creates the writer.
         *
         * @throws IllegalArgumentException with Cinder's message if the chunk size is not a multiple of the sha
         *     block size or the sha block size differs from the parent's; also for non-positive sizes, an
         *     unknown compression name, or a backup id too short for the default container
         */
        public CinderBackupWriter build() {
            if (chunkSizeBytes <= 0 || shaBlockSizeBytes <= 0) {
                throw new IllegalArgumentException("chunk and sha block sizes must be positive");
            }
            if (chunkSizeBytes % shaBlockSizeBytes != 0) {
                throw new IllegalArgumentException("Chunk size is not multiple of block size for creating hash.");
            }
            if (parent != null && parent.shaBlockSizeBytes() != shaBlockSizeBytes) {
                throw new IllegalArgumentException(
                        "Hash block size has changed since the last backup. New hash block size: "
                                + shaBlockSizeBytes
                                + ". Old hash block size: "
                                + parent.shaBlockSizeBytes()
                                + ". Do a full backup.");
            }
            if (volumeSizeGiB != null && volumeSizeGiB < 1) {
                throw new IllegalArgumentException("volume size must be at least 1 GiB: " + volumeSizeGiB);
            }
            if (container == null && backupId != null && backupId.length() < 4) {
                throw new IllegalArgumentException("backup id too short for the default container: " + backupId);
            }
            ObjectCodec.forAlgorithm(compression);
            return new CinderBackupWriter(this);
        }

        /** {@code build().write(volumeImage)}. */
        public CinderBackup write(Path volumeImage) throws IOException {
            return build().write(volumeImage);
        }
    }
}

package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CinderBackupWriterTest {

    private static final int SHA = 32_768;
    private static final String ID = "d5597718-bef8-4c4e-9d3a-1c6f0e2b7a10";
    private static final String VOLUME_ID = "0b3e4f2a-6c1d-4e8b-9a7f-5d2c8e1f3a40";
    private static final Instant CREATED = Instant.parse("2026-11-22T00:26:47Z");
    private static final VolumeShape TEXT = new VolumeShape(0, 1, 4096);
    private static final VolumeShape RANDOM = new VolumeShape(0, 0, 4096);

    @TempDir Path tmp;

    private Path root() {
        return tmp.resolve("backups");
    }

    private Path volume(String name, long size, long seed, VolumeShape shape) throws IOException {
        Path p = tmp.resolve(name);
        Volumes.write(p, size, seed, shape);
        return p;
    }

    @Test
    void fullBackupHasCinderLayoutNamesAndModes() throws IOException {
        long size = 5L * 1024 * 1024 + 12_345;
        long chunk = 3L * SHA;
        Path vol = volume("vol", size, 1, VolumeShape.DISK_LIKE);

        CinderBackup b =
                CinderBackupWriter.builder(root())
                        .backupId(ID)
                        .volumeId(VOLUME_ID)
                        .chunkSizeBytes(chunk)
                        .createdAt(CREATED.plusNanos(123_456_789))
                        .write(vol);

        String prefix = "volume_" + VOLUME_ID + "_20261122002647_backup_" + ID;
        assertThat(b.prefix()).isEqualTo(prefix);
        assertThat(b.container()).isEqualTo("d5/59/" + ID);
        assertThat(b.containerDir()).isEqualTo(root().resolve("d5/59/" + ID));
        assertThat(b.createdAt()).isEqualTo(CREATED);
        assertThat(b.parentId()).isNull();
        assertThat(b.volumeBytes()).isEqualTo(size);
        assertThat(b.volumeSizeGiB()).isEqualTo(1);

        int count = (int) ((size + chunk - 1) / chunk);
        assertThat(b.objects()).hasSize(count);
        long expectedOffset = 0;
        for (int i = 0; i < count; i++) {
            ObjectEntry o = b.objects().get(i);
            assertThat(o.name()).isEqualTo(String.format("%s-%05d", prefix, i + 1));
            assertThat(o.offset()).isEqualTo(expectedOffset);
            assertThat(o.length()).isEqualTo(Math.min(chunk, size - expectedOffset));
            byte[] original = TestSupport.range(vol, o.offset(), (int) o.length());
            assertThat(o.md5()).isEqualTo(TestSupport.hex("MD5", original));
            byte[] body = Files.readAllBytes(b.objectPath(o.name()));
            assertThat(TestSupport.decompress(o.compression(), body, o.length())).isEqualTo(original);
            expectedOffset += o.length();
        }
        assertThat(expectedOffset).isEqualTo(size);

        Set<String> expectedFiles = new TreeSet<>();
        b.objects().forEach(o -> expectedFiles.add(o.name()));
        expectedFiles.add(prefix + "_metadata");
        expectedFiles.add(prefix + "_sha256file");
        assertThat(list(b.containerDir())).containsExactlyElementsOf(expectedFiles);
        assertThat(b.metadataPath()).isEqualTo(b.containerDir().resolve(prefix + "_metadata"));
        assertThat(b.sha256FilePath()).isEqualTo(b.containerDir().resolve(prefix + "_sha256file"));

        assertThat(Files.getPosixFilePermissions(b.containerDir()))
                .isEqualTo(PosixFilePermissions.fromString("rwxrwx---"));
        for (String f : expectedFiles) {
            assertThat(Files.getPosixFilePermissions(b.containerDir().resolve(f)))
                    .as(f)
                    .isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        }

        assertThat(b.sha256s()).hasSize((int) ((size + SHA - 1) / SHA));
        long lastStart = (long) (b.sha256s().size() - 1) * SHA;
        assertThat(b.sha256s().get(b.sha256s().size() - 1))
                .isEqualTo(TestSupport.hex("SHA-256", TestSupport.range(vol, lastStart, (int) (size - lastStart))));
    }

    @Test
    void metadataAndSha256FileAreByteExactPythonJson() throws IOException {
        byte[] data = new byte[40_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ((i * 31 + 7) % 256);
        }
        Path vol = tmp.resolve("vol");
        Files.write(vol, data);

        CinderBackup b =
                CinderBackupWriter.builder(root())
                        .backupId(ID)
                        .volumeId(VOLUME_ID)
                        .chunkSizeBytes(2L * SHA)
                        .compression("none")
                        .createdAt(CREATED)
                        .name("nightly")
                        .description("Sauvegarde \u00e9")
                        .volumeName("db-1")
                        .volumeMetadata(Map.of("tier", "gold"))
                        .write(vol);

        // The expected files were printed by CPython's json.dumps(..., sort_keys=True, indent=2).
        assertThat(Files.readAllBytes(b.metadataPath())).isEqualTo(resource("expected_metadata.json"));
        assertThat(Files.readAllBytes(b.sha256FilePath())).isEqualTo(resource("expected_sha256file.json"));
    }

    @Test
    void compressionTagIsTheConfiguredNameLowerCasedWithCindersMagicBytes() throws IOException {
        Path vol = volume("text", 8L * SHA, 2, TEXT);
        List<String> configured = List.of("zlib", "gzip", "bz2", "bzip2", "zstd", "none", "ZLIB", "Zstd");

        CinderBackup b =
                CinderBackupWriter.builder(root())
                        .chunkSizeBytes(SHA)
                        .compressionPerObject(configured::get)
                        .write(vol);

        assertThat(b.objects())
                .extracting(ObjectEntry::compression)
                .containsExactly("zlib", "gzip", "bz2", "bzip2", "zstd", "none", "zlib", "zstd");
        for (ObjectEntry o : b.objects()) {
            byte[] body = Files.readAllBytes(b.objectPath(o.name()));
            switch (o.compression()) {
                // zlib.compress(data) at level 6: an RFC 1950 stream, also for "gzip".
                case "zlib", "gzip" -> assertThat(Arrays.copyOf(body, 2)).containsExactly(0x78, 0x9C);
                case "bz2", "bzip2" -> assertThat(new String(body, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("BZh9");
                case "zstd" -> {
                    assertThat(Arrays.copyOf(body, 4)).containsExactly(0x28, 0xB5, 0x2F, 0xFD);
                    // Frame header descriptor: bit 2 is the checksum flag; the content size is present.
                    assertThat(body[4] & 0x04).isZero();
                    assertThat(Zstd.getFrameContentSize(body)).isEqualTo(o.length());
                    assertThat(Zstd.findFrameCompressedSize(body)).isEqualTo(body.length);
                }
                default -> assertThat(body).isEqualTo(TestSupport.range(vol, o.offset(), (int) o.length()));
            }
            assertThat(TestSupport.decompress(o.compression(), body, o.length()))
                    .isEqualTo(TestSupport.range(vol, o.offset(), (int) o.length()));
        }
    }

    @Test
    void incompressibleObjectsAreTaggedNoneAndStoredRaw() throws IOException {
        Path vol = volume("random", 4L * SHA + 100, 3, RANDOM);
        for (String algorithm : List.of("zlib", "gzip", "bz2", "bzip2", "zstd")) {
            CinderBackup b = CinderBackupWriter.builder(root()).chunkSizeBytes(2L * SHA).compression(algorithm).write(vol);
            assertThat(b.objects()).hasSize(3).allSatisfy(o -> assertThat(o.compression()).isEqualTo("none"));
            for (ObjectEntry o : b.objects()) {
                assertThat(Files.readAllBytes(b.objectPath(o.name())))
                        .isEqualTo(TestSupport.range(vol, o.offset(), (int) o.length()));
            }
        }
    }

    @Test
    void disabledCompressionIsTaggedNone() throws IOException {
        Path vol = volume("text", 3L * SHA, 4, TEXT);
        for (String algorithm : List.of("none", "off", "No", "OFF")) {
            CinderBackup b = CinderBackupWriter.builder(root()).chunkSizeBytes(SHA).compression(algorithm).write(vol);
            assertThat(b.objects()).extracting(ObjectEntry::compression).containsOnly("none");
            assertThat(Files.size(b.objectPath(b.objects().get(0).name()))).isEqualTo(SHA);
        }
        assertThatThrownBy(() -> CinderBackupWriter.builder(root()).compression("lz4").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroChunksAreStoredLikeAnyOtherChunk() throws IOException {
        Path vol = tmp.resolve("zeros");
        Files.write(vol, new byte[3 * 2 * SHA]);
        CinderBackup b = CinderBackupWriter.builder(root()).chunkSizeBytes(2L * SHA).write(vol);
        assertThat(b.objects()).hasSize(3).allSatisfy(o -> assertThat(o.compression()).isEqualTo("zlib"));
    }

    @Test
    void incrementalObjectsStartOnShaBlocksAndStayInsideChunks() throws IOException {
        long size = 5L * 1024 * 1024 + 12_345;
        long chunk = 1024L * 1024 + SHA;
        Path v0 = volume("v0", size, 5, VolumeShape.DISK_LIKE);
        Path v1 = tmp.resolve("v1");
        Volumes.mutate(v0, v1, 6, 16);
        CinderBackup full = CinderBackupWriter.builder(root()).chunkSizeBytes(3L * SHA).write(v0);

        CinderBackup inc =
                CinderBackupWriter.builder(root()).parent(full).chunkSizeBytes(chunk).compression("zstd").write(v1);

        assertThat(inc.parentId()).isEqualTo(full.backupId());
        assertThat(inc.volumeId()).isEqualTo(full.volumeId());
        assertThat(inc.objects()).isNotEmpty();
        Set<Integer> covered = new TreeSet<>();
        for (ObjectEntry o : inc.objects()) {
            long end = o.offset() + o.length();
            assertThat(o.offset() % SHA).as(o.name()).isZero();
            assertThat((end - 1) / chunk).as(o.name()).isEqualTo(o.offset() / chunk);
            assertThat(o.length() % SHA == 0 || end == size).as(o.name()).isTrue();
            byte[] body = Files.readAllBytes(inc.objectPath(o.name()));
            assertThat(TestSupport.decompress(o.compression(), body, o.length()))
                    .isEqualTo(TestSupport.range(v1, o.offset(), (int) o.length()));
            for (long block = o.offset() / SHA; block * SHA < end; block++) {
                covered.add((int) block);
            }
        }
        // Exactly the blocks whose hash changed are stored, and the sha256file describes the whole new volume.
        CinderBackup fullOfV1 = CinderBackupWriter.builder(root()).chunkSizeBytes(chunk).write(v1);
        assertThat(inc.sha256s()).isEqualTo(fullOfV1.sha256s());
        Set<Integer> changed = new TreeSet<>();
        for (int i = 0; i < inc.sha256s().size(); i++) {
            if (!inc.sha256s().get(i).equals(full.sha256s().get(i))) {
                changed.add(i);
            }
        }
        assertThat(covered).isEqualTo(changed);

        Path restored = tmp.resolve("restored");
        TestSupport.applyLayer(full, restored);
        TestSupport.applyLayer(inc, restored);
        assertThat(TestSupport.sha256(restored)).isEqualTo(TestSupport.sha256(v1));
    }

    @Test
    void aChangedRunAcrossAChunkBoundaryBecomesTwoObjects() throws IOException {
        Path v0 = volume("v0", 6L * SHA, 7, TEXT);
        byte[] data = Files.readAllBytes(v0);
        for (int i = 2 * SHA + 5; i < 4 * SHA + 7; i++) {
            data[i] ^= 0x5A;
        }
        Path v1 = tmp.resolve("v1");
        Files.write(v1, data);
        CinderBackup full = CinderBackupWriter.builder(root()).chunkSizeBytes(3L * SHA).write(v0);

        CinderBackup inc = CinderBackupWriter.builder(root()).parent(full).chunkSizeBytes(3L * SHA).write(v1);

        assertThat(inc.objects())
                .extracting(ObjectEntry::offset, ObjectEntry::length)
                .containsExactly(
                        tuple(2L * SHA, (long) SHA),
                        tuple(3L * SHA, 2L * SHA));
        assertThat(inc.objects().get(0).name()).endsWith("-00001");
        assertThat(inc.objects().get(1).name()).endsWith("-00002");
    }

    @Test
    void unchangedIncrementHasAnEmptyObjectList() throws IOException {
        Path v0 = volume("v0", 3L * SHA + 99, 8, VolumeShape.DISK_LIKE);
        CinderBackup full = CinderBackupWriter.builder(root()).chunkSizeBytes(2L * SHA).write(v0);

        CinderBackup inc = CinderBackupWriter.builder(root()).parent(full).chunkSizeBytes(2L * SHA).write(v0);

        assertThat(inc.objects()).isEmpty();
        assertThat(Files.readString(inc.metadataPath())).contains("\n  \"objects\": [],\n");
        assertThat(list(inc.containerDir())).containsExactly(inc.prefix() + "_metadata", inc.prefix() + "_sha256file");
        assertThat(inc.sha256s()).isEqualTo(full.sha256s());
    }

    @Test
    void blocksBeyondTheParentsListCountAsChanged() throws IOException {
        Path v0 = volume("v0", 100_000, 9, TEXT);
        Path v1 = tmp.resolve("v1");
        byte[] grown = Arrays.copyOf(Files.readAllBytes(v0), 150_000);
        Arrays.fill(grown, 100_000, grown.length, (byte) 'x');
        Files.write(v1, grown);
        CinderBackup full = CinderBackupWriter.builder(root()).chunkSizeBytes(4L * SHA).write(v0);

        CinderBackup inc = CinderBackupWriter.builder(root()).parent(full).chunkSizeBytes(8L * SHA).write(v1);

        // Block 3 was short in the parent, block 4 did not exist: one run from 3 * SHA to the end.
        assertThat(inc.objects())
                .extracting(ObjectEntry::offset, ObjectEntry::length)
                .containsExactly(tuple(3L * SHA, 150_000L - 3L * SHA));
    }

    @Test
    void chunkSizeMustBeAMultipleOfTheShaBlockSize() {
        assertThatThrownBy(() -> CinderBackupWriter.builder(root()).chunkSizeBytes(3L * SHA + 512).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Chunk size is not multiple of block size for creating hash.");
        assertThatThrownBy(
                        () -> CinderBackupWriter.builder(root()).shaBlockSizeBytes(4096).chunkSizeBytes(10_000).build())
                .hasMessage("Chunk size is not multiple of block size for creating hash.");
        assertThat(CinderBackupWriter.builder(root()).shaBlockSizeBytes(4096).chunkSizeBytes(3 * 4096).build())
                .isNotNull();
    }

    @Test
    void incrementMustKeepTheParentsShaBlockSizeAndSize() throws IOException {
        Path v0 = volume("v0", 50_000, 10, TEXT);
        CinderBackup full = CinderBackupWriter.builder(root()).chunkSizeBytes(SHA).write(v0);

        assertThatThrownBy(
                        () -> CinderBackupWriter.builder(root()).parent(full).shaBlockSizeBytes(4096).chunkSizeBytes(4096).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Hash block size has changed since the last backup.");
        assertThatThrownBy(
                        () -> CinderBackupWriter.builder(root()).parent(full).chunkSizeBytes(SHA).volumeSizeGiB(2).write(v0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Volume size increased since the last backup. Do a full backup.");
    }

    @Test
    void aUserContainerCanBeSharedByBackups() throws IOException {
        Path vol = volume("vol", 3L * SHA, 11, VolumeShape.DISK_LIKE);
        CinderBackup a = CinderBackupWriter.builder(root()).container("shared/c1").chunkSizeBytes(SHA).write(vol);
        CinderBackup b = CinderBackupWriter.builder(root()).container("shared/c1").chunkSizeBytes(SHA).write(vol);

        assertThat(a.containerDir()).isEqualTo(root().resolve("shared/c1")).isEqualTo(b.containerDir());
        assertThat(a.prefix()).isNotEqualTo(b.prefix());
        assertThat(list(a.containerDir()).stream().filter(n -> n.startsWith(a.prefix()))).hasSize(3 + 2);
        assertThat(list(a.containerDir()).stream().filter(n -> n.startsWith(b.prefix()))).hasSize(3 + 2);
    }

    @Test
    void readReconstructsFullAndIncrementalBackups() throws IOException {
        long size = 3L * SHA + 777;
        Path v0 = volume("v0", size, 12, TEXT);
        byte[] data = Files.readAllBytes(v0);
        data[10] ^= 1;
        Path v1 = tmp.resolve("v1");
        Files.write(v1, data);
        CinderBackup full =
                CinderBackupWriter.builder(root()).chunkSizeBytes(2L * SHA).name("n").description("d").write(v0);
        CinderBackup inc =
                CinderBackupWriter.builder(root()).container("user/cont").parent(full).chunkSizeBytes(2L * SHA).write(v1);
        // The increment's objects do not reach its short last block, so its length comes from the parent.
        assertThat(inc.objects()).extracting(ObjectEntry::offset).containsExactly(0L);

        assertThat(CinderBackup.read(root(), full.metadataPath())).isEqualTo(full);
        assertThat(CinderBackup.read(root(), inc.metadataPath())).isEqualTo(inc);
        assertThat(CinderBackup.findMetadata(root(), inc.backupId())).isEqualTo(inc.metadataPath());
    }

    @Test
    void exportRecordNamesContainerPrefixAndParent() throws IOException {
        Path vol = volume("vol", 2L * SHA, 13, TEXT);
        CinderBackup full = CinderBackupWriter.builder(root()).backupId(ID).createdAt(CREATED).write(vol);
        CinderBackup inc = CinderBackupWriter.builder(root()).parent(full).createdAt(CREATED).write(vol);

        String export = inc.exportRecordJson();

        assertThat(export).startsWith("{\"backup_service\": \"cinder.backup.drivers.posix.PosixBackupDriver\", ");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode record = mapper.readTree(Base64.getDecoder().decode(mapper.readTree(export).get("backup_url").asText()));
        assertThat(record.get("id").asText()).isEqualTo(inc.backupId());
        assertThat(record.get("volume_id").asText()).isEqualTo(full.volumeId());
        assertThat(record.get("container").asText()).isEqualTo(inc.container());
        assertThat(record.get("service_metadata").asText()).isEqualTo(inc.prefix());
        assertThat(record.get("parent_id").asText()).isEqualTo(ID);
        assertThat(record.get("object_count").asInt()).isZero();
        assertThat(record.get("size").asInt()).isEqualTo(1);
        assertThat(record.get("status").asText()).isEqualTo("available");
        assertThat(record.get("created_at").asText()).isEqualTo("2026-11-22T00:26:47Z");
        assertThat(record.get("availability_zone").isNull()).isTrue();
        assertThat(record.get("driver_info").isEmpty()).isTrue();
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = CinderBackupWriterTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}

package dev.restoreagent.agent;

import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property test: random volumes (zero runs, odd sizes), random chunk and sha block sizes, random
 * compression per object, chains of increments, default and shared user containers, small and
 * large buffers: backup with the test kit, restore, and the sha256 of the target equals the
 * volume's. Each case prints its seed, so a failure can be replayed.
 */
class CinderRoundTripTest {
    private static final List<String> TAGS = List.of("none", "off", "no", "zlib", "gzip", "bz2", "bzip2", "zstd");

    @TempDir
    Path dir;
    private long directBefore;

    @BeforeEach
    void noteDirectMemory() {
        directBefore = DirectMemory.usedBytes();
    }

    @AfterEach
    void everyBufferIsFreed() {
        assertThat(DirectMemory.usedBytes()).as("direct memory after the test").isEqualTo(directBefore);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void randomChainsRestoreByteExact(long seed) throws Exception {
        Random random = new Random(seed);
        int shaBlock = new int[] {4096, 32768, 65536}[random.nextInt(3)];
        long size = (1L << 20) + random.nextInt(5 << 20) + (random.nextBoolean() ? 12_345 : 0);
        Path volume = dir.resolve("volume-0");
        Volumes.write(volume, size, seed, VolumeShape.DISK_LIKE);
        String sharedContainer = random.nextBoolean() ? "users/shared-" + seed : null;
        int increments = random.nextInt(4);
        CinderBackup top = null;
        for (int layer = 0; layer <= increments; layer++) {
            Path current = dir.resolve("volume-" + layer);
            if (layer > 0) {
                Volumes.mutate(dir.resolve("volume-" + (layer - 1)), current, seed * 31 + layer, 1 + random.nextInt(6));
            }
            long chunk = (long) shaBlock * (1 + random.nextInt(48));
            String tag = TAGS.get(random.nextInt(TAGS.size()));
            long tagSeed = random.nextLong();
            CinderBackupWriter.Builder writer = CinderBackupWriter.builder(dir.resolve("backups"))
                    .chunkSizeBytes(chunk).shaBlockSizeBytes(shaBlock).parent(top);
            writer = random.nextBoolean() ? writer.compression(tag)
                    : writer.compressionPerObject(i -> TAGS.get((int) Math.floorMod(tagSeed + i * 7L, TAGS.size())));
            if (sharedContainer != null) {
                writer.container(sharedContainer);
            }
            top = writer.write(current);
        }
        Path finalVolume = dir.resolve("volume-" + increments);
        int bufferBytes = random.nextBoolean() ? 64 * 1024 : 4 << 20;
        RestoreSettings settings = new RestoreSettings(bufferBytes, 1 + random.nextInt(8), random.nextInt(4),
                RestoreSettings.DEFAULT_ZSTD_WINDOW_LOG_MAX, false);
        Path target = dir.resolve("restored.img");
        RestoreResult result = TestSupport.restore(TestSupport.source(top), target,
                new MemoryBudget(256L << 20), settings);

        assertThat(TestSupport.sha256(target)).as("seed %d", seed).isEqualTo(TestSupport.sha256(finalVolume));
        assertThat(result.extentBytes()).isEqualTo(size);
    }

    @Test
    void existingLargerTargetKeepsItsTailAndGetsZerosWritten() throws Exception {
        Path volume = dir.resolve("v");
        Volumes.write(volume, (3L << 20) + 777, 42, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(32768L * 17)
                .compression("zstd").write(volume);
        Path target = dir.resolve("existing.img");
        byte[] garbage = new byte[(4 << 20)];
        Arrays.fill(garbage, (byte) 0xee);
        Files.write(target, garbage);

        RestoreResult result = TestSupport.restore(TestSupport.source(backup), target, new MemoryBudget(64L << 20),
                RestoreSettings.defaults());

        long extent = Files.size(volume);
        assertThat(TestSupport.sha256(target, extent)).isEqualTo(TestSupport.sha256(volume));
        byte[] after = Files.readAllBytes(target);
        assertThat(after).hasSize(garbage.length);
        for (long i = extent; i < after.length; i++) {
            assertThat(after[(int) i]).as("byte %d past the extent", i).isEqualTo((byte) 0xee);
        }
        assertThat(result.skippedBytes()).as("zeros must be written over old data").isZero();
        assertThat(result.zeroedBytes()).isPositive();
    }

    @Test
    void resumedRestoreWritesNothingBeforeItsCheckpoint() throws Exception {
        Path v0 = dir.resolve("v0");
        Volumes.write(v0, 6L << 20, 21, new VolumeShape(0.0, 0.5, 1 << 16));
        CinderBackup full = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zstd").write(v0);
        Path v1 = dir.resolve("v1");
        Volumes.mutate(v0, v1, 22, 5);
        CinderBackup incremental = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zlib").parent(full).write(v1);
        Path target = dir.resolve("resumed.img");
        byte[] marker = new byte[6 << 20];
        Arrays.fill(marker, (byte) 0x77);
        Files.write(target, marker);
        java.util.List<dev.restoreagent.api.Checkpoint> seen = new java.util.ArrayList<>();

        try (dev.restoreagent.io.targets.FileTarget fileTarget = dev.restoreagent.io.targets.FileTarget.open(target,
                6L << 20, false, dir)) {
            TestSupport.newRestore(TestSupport.source(incremental), fileTarget, new MemoryBudget(64L << 20),
                    RestoreSettings.defaults(), "resume", new dev.restoreagent.api.Checkpoint(0, 3),
                    seen::add).run();
        }

        byte[] restored = Files.readAllBytes(target);
        byte[] layer0 = Files.readAllBytes(v0);
        for (int i = 0; i < 3 << 20; i++) {
            // the full backup's first three objects were done before the checkpoint: untouched
            if (!incrementCovers(incremental, i)) {
                assertThat(restored[i]).as("byte %d before the checkpoint", i).isEqualTo((byte) 0x77);
            }
        }
        byte[] want = Files.readAllBytes(v1);
        for (int i = 3 << 20; i < want.length; i++) {
            assertThat(restored[i]).as("byte %d", i).isEqualTo(want[i]);
        }
        assertThat(layer0).hasSize(6 << 20);
        assertThat(seen).contains(new dev.restoreagent.api.Checkpoint(1, 0),
                new dev.restoreagent.api.Checkpoint(2, 0));
    }

    private static boolean incrementCovers(CinderBackup incremental, long offset) {
        return incremental.objects().stream().anyMatch(o -> offset >= o.offset() && offset < o.offset() + o.length());
    }

    @Test
    void zerosOfTheFullBackupAreSkippedOnANewFile() throws Exception {
        Path volume = dir.resolve("v");
        Volumes.write(volume, 5L << 20, 7, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zlib").write(volume);
        Path target = dir.resolve("new.img");

        RestoreResult result = TestSupport.restore(TestSupport.source(backup), target, new MemoryBudget(64L << 20),
                RestoreSettings.defaults());

        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
        assertThat(result.skippedBytes()).isPositive();
        assertThat(result.writtenBytes() + result.skippedBytes()).isEqualTo(5L << 20);
    }

    @Test
    void zeroedRegionOfAnIncrementIsWrittenOverParentData() throws Exception {
        Path v0 = dir.resolve("v0");
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, (byte) 0x5a);
        Files.write(v0, data);
        CinderBackup full = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zstd").write(v0);
        Arrays.fill(data, 65536, 3 * 65536, (byte) 0);
        Path v1 = Files.write(dir.resolve("v1"), data);
        CinderBackup incremental = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zstd").parent(full).write(v1);
        assertThat(incremental.objects()).isNotEmpty();

        Path target = dir.resolve("new.img");
        TestSupport.restore(TestSupport.source(incremental), target, new MemoryBudget(64L << 20),
                RestoreSettings.defaults());

        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(v1));
    }
}

package dev.restoreagent.agent;

import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.restore.WorkingSet;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.targets.FileTarget;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Many restores in one process share one small budget: never exceeded, all byte-exact. */
class BudgetTest {
    @TempDir
    Path dir;

    @Test
    void concurrentRestoresStayWithinTheBudgetAndAllFinishByteExact() throws Exception {
        int restores = 12;
        String[] tags = {"zstd", "zlib", "bz2", "none"};
        List<CinderBackup> backups = new ArrayList<>();
        List<Path> volumes = new ArrayList<>();
        for (int i = 0; i < restores; i++) {
            Path volume = dir.resolve("volume-" + i);
            Volumes.write(volume, (2L << 20) + i * 4099L, i, VolumeShape.DISK_LIKE);
            volumes.add(volume);
            backups.add(CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(32768L * 9)
                    .compression(tags[i % tags.length]).write(volume));
        }
        MemoryBudget budget = new MemoryBudget(24L << 20);
        RestoreSettings settings = new RestoreSettings(256 * 1024, 6, 2, 22, false);
        long directBefore = DirectMemory.usedBytes();
        DirectMemory.resetPeaks();
        ExecutorService pool = Executors.newFixedThreadPool(restores);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int i = 0; i < restores; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    TestSupport.restore(TestSupport.source(backups.get(n)), dir.resolve("restored-" + n), budget,
                            settings);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int i = 0; i < restores; i++) {
            assertThat(TestSupport.sha256(dir.resolve("restored-" + i))).isEqualTo(TestSupport.sha256(volumes.get(i)));
        }
        // the allocator's own counter: every data buffer, at its highest
        assertThat(DirectMemory.peakUsedBytes() - directBefore).isPositive().isLessThanOrEqualTo(budget.totalBytes());
        assertThat(budget.peakUsedBytes()).isLessThanOrEqualTo(budget.totalBytes());
        // more than one restore ran at once, and not all of them: the budget decided
        WorkingSet one = WorkingSet.plan(settings, EnumSet.of(Codec.ZSTD), 8, budget.totalBytes(), 2, 0);
        assertThat(budget.peakUsedBytes()).isGreaterThan(one.totalBytes());
        assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());
        assertThat(DirectMemory.usedBytes()).isEqualTo(directBefore);
    }

    @Test
    void workingSetLargerThanTheBudgetIsClampedNotRefused() {
        RestoreSettings settings = RestoreSettings.defaults();
        long budget = 16L << 20;
        WorkingSet set = WorkingSet.plan(settings, Set.of(Codec.ZSTD, Codec.BZIP2), 100, budget, 8, 0);
        assertThat(set.totalBytes()).isLessThanOrEqualTo(budget);
        assertThat(set.decoders()).isEqualTo(1);
        assertThat(set.queueDepth()).isGreaterThanOrEqualTo(1);

        WorkingSet roomy = WorkingSet.plan(settings, Set.of(Codec.ZSTD), 100, 256L << 20, 8, 0);
        assertThat(roomy.queueDepth()).isEqualTo(8);
        assertThat(roomy.bufferBytes()).isEqualTo(4 << 20);
    }

    @Test
    void anObjectStoresReceiveBuffersCountForEveryDecoder() {
        RestoreSettings settings = RestoreSettings.defaults();
        WorkingSet files = WorkingSet.plan(settings, Set.of(Codec.ZLIB), 100, 256L << 20, 4, 0);
        int receiveBuffers = 128 << 10; // what an object store's BackupContainer.readerBytes() may say
        WorkingSet s3 = WorkingSet.plan(settings, Set.of(Codec.ZLIB), 100, 256L << 20, 4, receiveBuffers);
        assertThat(s3.decoders()).isEqualTo(files.decoders()).isEqualTo(4);
        assertThat(s3.totalBytes() - files.totalBytes()).isEqualTo(4L * receiveBuffers);
    }

    @Test
    void budgetBelowTheSmallestWorkingSetIsAClearError() {
        assertThatThrownBy(() -> WorkingSet.plan(RestoreSettings.defaults(), Set.of(Codec.ZSTD), 1, 1L << 20, 2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("memory budget of 1.0 MiB is below the smallest working set of this restore");
    }
}

package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.agent.TestSupport;
import dev.restoreagent.agent.restore.Progress;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.targets.FileTarget;
import dev.restoreagent.nativeb.rbd.Extent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot restore's progress counts the allocated extents, and the holes only where they are written:
 * a 64 MiB volume with 12 MiB allocated is 12 MiB of work onto a target that reads as zeros, all of it onto
 * one that holds other data.
 */
class SnapshotProgressTest {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 64 * MIB;
    private static final List<Extent> EXTENTS = List.of(new Extent(0, 4 * MIB, true),
            new Extent(40 * MIB, 8 * MIB, true));

    @TempDir
    Path dir;

    private final byte[] volume = volume();

    private static byte[] volume() {
        byte[] bytes = new byte[(int) SIZE];
        Random random = new Random(21);
        for (Extent extent : EXTENTS) {
            byte[] data = new byte[(int) extent.length()];
            random.nextBytes(data);
            System.arraycopy(data, 0, bytes, (int) extent.offset(), data.length);
        }
        return bytes;
    }

    private RestoreSource source() {
        RbdSnapshotSpec spec = RbdSnapshotSpec.parse("rbd:backups/volume-v.backup.b@backup.b.snap.1");
        Layer layer = new Layer("b", true, RbdSnapshotSource.objects(SIZE, spec, "backup b", EXTENTS,
                (offset, length) -> () -> Channels.newChannel(new ByteArrayInputStream(volume, (int) offset,
                        (int) length))));
        return new RestoreSource("test snapshot", "b", List.of(layer), SIZE, SIZE, "none", List.of(), List.of(), 0,
                RestoreSource.Confirmation.NONE, true);
    }

    private Progress restoreInto(Path file) throws Exception {
        try (RestoreSource source = source();
             FileTarget target = FileTarget.open(file, SIZE, false, dir.resolve("state"))) {
            Restore restore = TestSupport.newRestore(source, target, new MemoryBudget(64 * MIB),
                    RestoreSettings.defaults(), "progress", Checkpoint.START, reached -> { });
            restore.run();
            return restore.progress();
        }
    }

    @Test
    void ontoANewFileOnlyTheAllocatedExtentsCount() throws Exception {
        Path file = dir.resolve("new.img");

        Progress done = restoreInto(file);

        assertThat(done.totalBytes()).isEqualTo(12 * MIB);
        assertThat(done.doneBytes()).isEqualTo(12 * MIB);
        assertThat(done.writtenBytes()).isEqualTo(12 * MIB);
        assertThat(done.skippedBytes()).as("the holes, skipped unread").isEqualTo(52 * MIB);
        assertThat(done.skippedHoleBytes()).isEqualTo(52 * MIB);
        assertThat(Files.readAllBytes(file)).isEqualTo(volume);
    }

    @Test
    void ontoAFileHoldingDataTheHolesWrittenCountToo() throws Exception {
        Path file = dir.resolve("used.img");
        byte[] junk = new byte[(int) SIZE];
        Arrays.fill(junk, (byte) 0x5a);
        Files.write(file, junk);

        Progress done = restoreInto(file);

        assertThat(done.totalBytes()).isEqualTo(SIZE);
        assertThat(done.doneBytes()).isEqualTo(SIZE);
        assertThat(done.zeroedBytes()).as("the holes, punched").isEqualTo(52 * MIB);
        assertThat(done.skippedHoleBytes()).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(volume);
    }
}

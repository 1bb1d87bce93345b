package dev.restoreagent.io.targets;

import dev.restoreagent.nativeb.IoCompletion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileTargetTest {
    @TempDir
    Path dir;

    private static void await(FileTarget target, boolean zeros, long offset, ByteBuffer data) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        IoCompletion completion = new IoCompletion() {
            @Override
            public void completed() {
                done.complete(null);
            }

            @Override
            public void failed(IOException cause) {
                done.completeExceptionally(cause);
            }
        };
        if (zeros) {
            target.writeZeros(offset, data, completion);
        } else {
            target.write(offset, data, completion);
        }
        done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void missingFileIsCreatedSparseAtTheExtentAndReadsAsZeros() throws Exception {
        Path file = dir.resolve("new.img");
        try (FileTarget target = FileTarget.open(file, 1_000_003, false, dir)) {
            assertThat(target.readsAsZeros()).isTrue();
            assertThat(target.capacityBytes()).isEqualTo(1_000_003);
            await(target, false, 12_345, ByteBuffer.allocateDirect(3).put(new byte[]{1, 2, 3}).flip());
            target.flush();
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(1_000_003);
        assertThat(bytes[12_345]).isEqualTo((byte) 1);
        assertThat(bytes[12_347]).isEqualTo((byte) 3);
        assertThat(bytes[12_348]).isZero();
    }

    @Test
    void existingFileIsWrittenInPlaceAndKeepsItsTail() throws Exception {
        Path file = Files.write(dir.resolve("old.img"), new byte[]{9, 9, 9, 9, 9, 9, 9, 9});
        try (FileTarget target = FileTarget.open(file, 4, false, dir)) {
            assertThat(target.readsAsZeros()).isFalse();
            assertThat(target.capacityBytes()).isEqualTo(8);
            await(target, true, 1, ByteBuffer.allocateDirect(2));
            target.flush();
        }
        assertThat(Files.readAllBytes(file)).containsExactly(9, 0, 0, 9, 9, 9, 9, 9);
    }

    @Test
    void growableFileIsExtendedOverTrailingZeros() throws Exception {
        Path file = dir.resolve("grow.img");
        try (FileTarget target = FileTarget.open(file, -1, false, dir)) {
            assertThat(target.capacityBytes()).isEqualTo(Long.MAX_VALUE);
            await(target, false, 0, ByteBuffer.allocateDirect(1).put((byte) 5).flip());
            target.extendTo(4096);
        }
        assertThat(Files.size(file)).isEqualTo(4096);
    }

    @Test
    void directoryIsRefusedNamingIt() {
        assertThatThrownBy(() -> FileTarget.open(dir, 10, false, dir))
                .isInstanceOf(TargetException.class)
                .hasMessage("target " + dir + " is neither a regular file nor a block device");
    }

    @Test
    void incompleteMarkIsSetReadAndCleared() throws Exception {
        Path file = dir.resolve("m.img");
        try (FileTarget target = FileTarget.open(file, 10, false, dir)) {
            target.markIncomplete("backup-1");
            assertThat(target.incompleteMark()).contains("backup-1");
        }
        try (FileTarget again = FileTarget.open(file, 10, false, dir)) {
            assertThat(again.incompleteMark()).contains("backup-1");
            again.clearIncomplete();
            assertThat(again.incompleteMark()).isEmpty();
        }
    }

    @Test
    void deviceMarkersLiveInTheStateDirectory() throws Exception {
        MarkerFile marker = MarkerFile.forDevice(dir.resolve("incomplete"), Path.of("/dev/sdb"));
        marker.set("b1");
        assertThat(dir.resolve("incomplete").resolve("%2Fdev%2Fsdb")).hasContent("b1");
        marker.clear();
        assertThat(marker.get()).isEmpty();
    }
}

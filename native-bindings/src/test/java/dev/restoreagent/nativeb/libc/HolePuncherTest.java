package dev.restoreagent.nativeb.libc;

import dev.restoreagent.nativeb.NativeIoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HolePuncherTest {
    @TempDir
    Path dir;

    @Test
    void punchedRangeReadsAsZerosAndSizeStays() throws Exception {
        Path file = dir.resolve("f");
        byte[] data = new byte[3 * 65536 + 7];
        Arrays.fill(data, (byte) 0x5a);
        Files.write(file, data);
        try (HolePuncher puncher = HolePuncher.open(file)) {
            if (!puncher.punchHole(1000, 70000)) {
                return; // the temp file system cannot punch holes; the EOPNOTSUPP path is the contract
            }
        }
        byte[] after = Files.readAllBytes(file);
        assertThat(after).hasSize(data.length);
        for (int i = 0; i < after.length; i++) {
            assertThat(after[i]).as("byte %d", i).isEqualTo(i >= 1000 && i < 71000 ? (byte) 0 : (byte) 0x5a);
        }
    }

    @Test
    void openOfAMissingFileNamesCallAndPath() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> HolePuncher.open(missing))
                .isInstanceOf(NativeIoException.class)
                .hasMessage("open failed: ENOENT (errno=2) (path=" + missing + ")");
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() throws Exception {
        Path file = Files.write(dir.resolve("g"), new byte[10]);
        HolePuncher puncher = HolePuncher.open(file);
        puncher.close();
        puncher.close();
        assertThatThrownBy(() -> puncher.punchHole(0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}

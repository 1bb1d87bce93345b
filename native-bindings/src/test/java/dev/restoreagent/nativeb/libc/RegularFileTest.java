package dev.restoreagent.nativeb.libc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class RegularFileTest {
    @TempDir
    Path dir;

    @Test
    void readsARegularFile() throws Exception {
        Path file = Files.write(dir.resolve("object"), new byte[] {1, 2, 3});
        try (FileChannel channel = RegularFile.openForReading(file)) {
            ByteBuffer bytes = ByteBuffer.allocate(8);
            assertThat(channel.read(bytes)).isEqualTo(3);
            assertThat(channel.size()).isEqualTo(3);
        }
    }

    @Test
    void refusesAFifoWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> RegularFile.openForReading(fifo))
                        .isInstanceOf(NotRegularFileException.class)
                        .hasMessage(fifo + " is a FIFO, not a regular file"));
    }

    @Test
    void refusesALinkEvenToARegularFile() throws Exception {
        Path file = Files.write(dir.resolve("object"), new byte[] {1});
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertThatThrownBy(() -> RegularFile.openForReading(link))
                .isInstanceOf(NotRegularFileException.class)
                .hasMessage(link + " is a symbolic link, not a regular file");
    }

    @Test
    void refusesDevicesAndDirectories() {
        assertThatThrownBy(() -> RegularFile.openForReading(Path.of("/dev/null")))
                .hasMessage("/dev/null is a character device, not a regular file");
        assertThatThrownBy(() -> RegularFile.openForReading(dir))
                .hasMessage(dir + " is a directory, not a regular file");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> RegularFile.openForReading(dir.resolve("gone")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("gone");
    }
}

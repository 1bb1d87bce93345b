package dev.restoreagent.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One daemon per state directory: two would run the same journaled jobs twice, onto the same
 * targets. An exclusive {@code fcntl} lock on {@code <state_dir>/agent.lock}, held for the
 * daemon's life; the kernel drops it when the process dies, however it dies, so a crash never
 * leaves a stale lock. The file holds the owner's pid, for the refusal's message.
 */
final class StateDirLock implements AutoCloseable {
    static final String FILE = "agent.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws AgentStartException if another process holds the lock */
    static StateDirLock acquire(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String owner = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
                throw new AgentStartException("another restore-agent" + (owner.isEmpty() ? "" : " (pid " + owner + ")")
                        + " is running on state directory " + stateDir + ": one agent per state directory");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            return new StateDirLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // held by this very process: an agent started twice in one JVM (tests)
            return null;
        }
    }

    /** Releases the lock; idempotent. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}

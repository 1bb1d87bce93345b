package dev.restoreagent.io.memory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one allocator of the data path's direct memory, shared by the whole process.
 *
 * <p>It is Netty's unpooled direct allocator, on purpose: its {@code usedDirectMemory()} counter
 * is then exactly the bytes of live data buffers, which the budget tests assert against. (A pooled
 * allocator counts whole 4 MiB chunks, so a 256 KiB input buffer could show as 4 MiB.) Recycling
 * happens one level up, in each restore's {@link DirectBufferPool}. Cleaner-backed buffers are
 * used, not Netty's no-cleaner ones, so every byte also counts against
 * {@code -XX:MaxDirectMemorySize}, the hard backstop the launcher derives from the budget.
 */
public final class DirectMemory {
    private static final UnpooledByteBufAllocator ALLOCATOR =
            new UnpooledByteBufAllocator(true, false, false);
    private static final BufferPoolMXBean JVM_DIRECT = ManagementFactory
            .getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
    private static final AtomicLong PEAK_ALLOCATOR_BYTES = new AtomicLong();
    private static final AtomicLong PEAK_JVM_DIRECT_BYTES = new AtomicLong();

    private DirectMemory() {
    }

    static ByteBuf allocate(int bytes) {
        ByteBuf buf = ALLOCATOR.directBuffer(bytes, bytes);
        // peaks can only be reached right after an allocation, so sampling here sees them all
        PEAK_ALLOCATOR_BYTES.accumulateAndGet(usedBytes(), Math::max);
        PEAK_JVM_DIRECT_BYTES.accumulateAndGet(JVM_DIRECT.getMemoryUsed(), Math::max);
        return buf;
    }

    /** Bytes of data buffers alive now, from the allocator's own counter. */
    public static long usedBytes() {
        return ALLOCATOR.metric().usedDirectMemory();
    }

    /** The most {@link #usedBytes()} ever seen, sampled at every allocation. */
    public static long peakUsedBytes() {
        return PEAK_ALLOCATOR_BYTES.get();
    }

    /**
     * The most direct memory the JVM had reserved at any data-path allocation, all users included
     * (the {@code direct} buffer pool MXBean).
     */
    public static long peakJvmDirectBytes() {
        return PEAK_JVM_DIRECT_BYTES.get();
    }

    /** Starts peak tracking afresh from the current use (for tests and benchmarks). */
    public static void resetPeaks() {
        PEAK_ALLOCATOR_BYTES.set(usedBytes());
        PEAK_JVM_DIRECT_BYTES.set(JVM_DIRECT.getMemoryUsed());
    }
}

package dev.restoreagent.fuzz;

import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Runs one fuzz input under the bounds every target checks, besides its own properties: the call returns
 * within {@link #TIME_LIMIT} (counted from the last class loaded), allocates at most the target's number of heap bytes on its thread (a parser
 * that allocates by what the input declares instead of what it holds is caught here), and the process's
 * resident memory stays under {@link #RSS_LIMIT_BYTES} (native decoders allocate outside the heap, which
 * the fork's -Xmx and -XX:MaxDirectMemorySize bound). An input that loads classes is not held to the heap
 * bound: loading them, and Jazzer's instrumenting them, is not its cost but the first user's of that code.
 *
 * <p>The call runs on a thread of its own so that a hang is seen: it fails with that thread's stack,
 * and the next call gets a new thread. Whatever the call throws is rethrown as it is: each target catches
 * the project's typed exceptions it expects, and anything else is a finding. One per target class.
 */
public final class Bounds implements AutoCloseable {
    /** Longer than any input takes on a loaded 2-core machine by a wide margin; a hang is not close to it. */
    public static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    /** The most a call that goes on loading classes is waited for. */
    private static final Duration LOADING_LIMIT = Duration.ofMinutes(3);
    /** The fork's heap and direct memory (fuzz.memoryArgs), the native decoders' state, Jazzer's own, and room. */
    public static final long RSS_LIMIT_BYTES = 1280L << 20;
    private static final long PAGE_BYTES = 4096;
    private static final ClassLoadingMXBean LOADING = ManagementFactory.getClassLoadingMXBean();

    private final String target;
    private ExecutorService thread;
    /** The thread of {@link #thread}, whose stack a hang's report shows. */
    private volatile Thread worker;

    /** @param target the target's name, which names its thread */
    public Bounds(String target) {
        this.target = target;
        this.thread = newThread();
    }

    /** One input's work: the target's call and its checks. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    /**
     * Runs {@code call}, rethrowing what it throws; fails with an {@link AssertionError} when it takes
     * longer than {@link #TIME_LIMIT}, allocates more than {@code heapBytes} of heap on its thread (unless it
     * loaded classes), or leaves the process with more than {@link #RSS_LIMIT_BYTES} resident.
     */
    public void run(long heapBytes, Call call) throws Exception {
        long[] allocated = new long[1];
        long classes = LOADING.getTotalLoadedClassCount();
        Future<?> result = thread.submit(() -> {
            long before = allocatedBytes();
            try {
                call.run();
            } finally {
                allocated[0] = allocatedBytes() - before;
            }
            return null;
        });
        try {
            await(result);
        } catch (TimeoutException e) {
            String stack = Arrays.stream(worker.getStackTrace()).map(f -> "\tat " + f)
                    .collect(Collectors.joining("\n"));
            // the stuck thread is left to itself; the next input gets a fresh one
            thread.shutdownNow();
            thread = newThread();
            throw new AssertionError(target + ": an input did not return within " + TIME_LIMIT.toSeconds()
                    + " s (of loading no class); where it was:\n" + stack);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
        if (allocated[0] > heapBytes && LOADING.getTotalLoadedClassCount() == classes) {
            throw new AssertionError(target + ": an input allocated " + allocated[0] + " bytes of heap, more than the "
                    + heapBytes + " its target allows");
        }
        long rss = residentBytes();
        if (rss > RSS_LIMIT_BYTES) {
            throw new AssertionError(target + ": the process holds " + (rss >> 20) + " MiB resident after an input,"
                    + " more than " + (RSS_LIMIT_BYTES >> 20) + " MiB");
        }
    }

    /**
     * Waits for {@code result} for {@link #TIME_LIMIT} after the last class any thread loaded, up to
     * {@link #LOADING_LIMIT} in all: a call that reaches new code waits for its classes and Jazzer's
     * instrumentation of them (seconds each on a loaded machine), which is not its own time.
     */
    private static void await(Future<?> result) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + LOADING_LIMIT.toNanos();
        long classes = LOADING.getTotalLoadedClassCount();
        while (true) {
            try {
                result.get(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                long now = LOADING.getTotalLoadedClassCount();
                if (now == classes || System.nanoTime() > deadline) {
                    throw e;
                }
                classes = now;
            }
        }
    }

    private ExecutorService newThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + target);
            t.setDaemon(true);
            worker = t;
            return t;
        });
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long residentBytes() {
        try {
            // statm: size resident shared text lib data dt, in pages
            String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(fields[1]) * PAGE_BYTES;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/statm", e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}

package dev.restoreagent.nativeb.rbd;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.rbd.raw.LibRbd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The extents callback of {@code rbd_diff_iterate2}, made safe as {@link AioCompletions} makes
 * completions safe:
 * <ul>
 *   <li>one static callback object, strongly held for the life of the process, so its native
 *       trampoline cannot be collected while librbd may call it;
 *   <li>the C side gets only a number ({@code void *arg}) that finds the iteration's
 *       {@link Collector} in {@link #RUNNING} while the call lasts;
 *   <li>nothing thrown in the callback crosses into librbd: it is kept, the callback returns
 *       {@code -ECANCELED}, which stops the iteration, and {@link RbdImage#extents} rethrows it.
 *       librbd still calls back for the objects it had already asked (up to
 *       {@code rbd_concurrent_management_ops} of them); those calls return {@code -ECANCELED} at once.
 * </ul>
 * librbd may call back on its own threads ({@code io_context_pool}) rather than the caller's, one
 * call at a time; the collector is synchronized so the caller sees every extent once the call has
 * returned.
 */
final class DiffIterations {
    private static final Map<Long, Collector> RUNNING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong();
    private static final LibRbd.DiffCallback CALLBACK = DiffIterations::extent;

    static {
        Native.setCallbackThreadInitializer(CALLBACK, new CallbackThreadInitializer(true, false, "rbd-diff-iterate"));
    }

    private DiffIterations() {
    }

    /** The callback to pass to {@code rbd_diff_iterate2}; {@link #start} gives the argument. */
    static LibRbd.DiffCallback callback() {
        return CALLBACK;
    }

    /** Registers a collector for one call; the caller must {@link #finish} it in {@code finally}. */
    static long start(Collector collector) {
        long id = NEXT_ID.incrementAndGet();
        RUNNING.put(id, collector);
        return id;
    }

    static void finish(long id) {
        RUNNING.remove(id);
    }

    private static int extent(long offset, long length, int exists, Pointer arg) {
        try {
            Collector collector = RUNNING.get(Pointer.nativeValue(arg));
            if (collector == null) {
                return -Errno.ECANCELED.code(); // cannot happen: registered before the call, removed after it
            }
            if (collector.failure() != null) {
                // librbd lets objects already asked for call back after a stop: they are not collected
                return -Errno.ECANCELED.code();
            }
            return collector.add(offset, length, exists != 0);
        } catch (Throwable e) {
            // an exception must not unwind into librbd; the collector, if any, keeps it for the caller
            Collector collector = RUNNING.get(Pointer.nativeValue(arg));
            if (collector != null) {
                collector.fail(e);
            }
            return -Errno.ECANCELED.code();
        }
    }

    /**
     * The extents of one iteration. {@link #add} is where a test makes the callback throw; it runs
     * on librbd's thread and must not block.
     */
    static class Collector {
        private final List<Extent> extents = new ArrayList<>();
        private Throwable failure;

        /** Keeps one extent; returns 0 to go on. */
        synchronized int add(long offset, long length, boolean exists) {
            extents.add(new Extent(offset, length, exists));
            return 0;
        }

        synchronized void fail(Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }

        /** What the callback threw, or null. */
        synchronized Throwable failure() {
            return failure;
        }

        /**
         * The extents in offset order, with touching or overlapping ones of the same kind merged:
         * librbd reports per object (and per stripe), and callers want ranges.
         */
        synchronized List<Extent> merged() {
            List<Extent> sorted = new ArrayList<>(extents);
            sorted.sort(Comparator.comparingLong(Extent::offset));
            List<Extent> result = new ArrayList<>();
            // where the last range of each kind is (absent, present): one of the other kind may lie between two
            // that overlap, and they are still one range
            int[] lastOfKind = {-1, -1};
            for (Extent next : sorted) {
                if (next.length() == 0) {
                    continue;
                }
                int kind = next.exists() ? 1 : 0;
                int last = lastOfKind[kind];
                if (last >= 0) {
                    Extent current = result.get(last);
                    long end = current.offset() + current.length();
                    if (next.offset() <= end) {
                        // its offset stays, so the list stays in offset order
                        long mergedEnd = Math.max(end, next.offset() + next.length());
                        result.set(last, new Extent(current.offset(), mergedEnd - current.offset(), current.exists()));
                        continue;
                    }
                }
                lastOfKind[kind] = result.size();
                result.add(next);
            }
            return List.copyOf(result);
        }
    }
}

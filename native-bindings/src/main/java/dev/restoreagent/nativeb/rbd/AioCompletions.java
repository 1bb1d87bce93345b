package dev.restoreagent.nativeb.rbd;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rbd.raw.LibRbd;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Completions of asynchronous librbd calls, delivered by callback.
 *
 * <p>Why a callback and not an event fd: librbd already runs completions on its own thread and
 * never runs two of one image at once, so a callback needs no extra thread, no polling and no
 * second handle in poll-only mode. What makes it safe from Java:
 * <ul>
 *   <li>one static callback object, strongly held for the life of the process: a collected
 *       callback trampoline crashes the process;
 *   <li>a thread initializer that attaches librbd's threads to the JVM once, as daemons, instead of
 *       attaching and detaching on every call;
 *   <li>the C side gets only a number ({@code void *arg}); the pending operation, and with it the
 *       data buffer, stays referenced in {@link #PENDING} until its completion has fired;
 *   <li>the completion is released in the callback, after reading its result: the one place where
 *       it cannot still be in use ({@code rbd_aio_is_complete} turns true before the callback ends).
 * </ul>
 * The callback counts the operation out of its image (which notes a timeout there, where it is
 * seen) and calls the caller's {@link IoCompletion} itself: nothing stands between librbd and the
 * write pipeline.
 *
 * <p>What a result means depends on the call: writes, discards and zeroing complete with 0, a
 * read with the number of bytes it read. A read that returns fewer bytes than asked for is a
 * failure here ({@link ShortReadException}), so {@link IoCompletion#completed()} always means
 * "all of it".
 */
final class AioCompletions {
    /** Not a read: the call completes with 0, and any result that is not negative is success. */
    static final long NOT_A_READ = -1;

    /**
     * One operation in flight: what to tell, the image it counts in, the buffer to keep alive, and
     * for a read the bytes it must return ({@link #NOT_A_READ} otherwise).
     */
    private record Pending(String call, String context, ByteBuffer buffer, RbdImage image, IoCompletion done,
                           long readBytes) {
    }

    private static final Map<Long, Pending> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong();
    private static final LibRbd.CompletionCallback CALLBACK = AioCompletions::completed;

    static {
        Native.setCallbackThreadInitializer(CALLBACK,
                new CallbackThreadInitializer(true, false, "rbd-aio-completion"));
    }

    private AioCompletions() {
    }

    /**
     * Makes a completion for one call on {@code image} and counts it in there. {@code buffer}, if
     * any, stays referenced until the completion fires. {@code readBytes} is the length a read must
     * return, or {@link #NOT_A_READ}. Returns the completion; on failure to submit, the caller must
     * {@link #abandon} it.
     */
    static Pointer create(long id, String call, String context, ByteBuffer buffer, RbdImage image,
                          IoCompletion done, long readBytes) throws NativeIoException {
        PENDING.put(id, new Pending(call, context, buffer, image, done, readBytes));
        PointerByReference out = new PointerByReference();
        int rc = LibRbd.rbd_aio_create_completion(new Pointer(id), CALLBACK, out);
        if (rc < 0) {
            PENDING.remove(id);
            NativeCheck.checkNegErrno(rc, "rbd_aio_create_completion", "for", call);
        }
        image.aioStarted();
        return out.getValue();
    }

    static long nextId() {
        return NEXT_ID.incrementAndGet();
    }

    /** The submit call failed: the completion will never fire, so it is released and counted out here. */
    static void abandon(long id, Pointer completion) {
        Pending pending = PENDING.remove(id);
        LibRbd.rbd_aio_release(completion);
        if (pending != null) {
            pending.image().aioEnded(null);
        }
    }

    private static void completed(Pointer completion, Pointer arg) {
        long result = LibRbd.rbd_aio_get_return_value(completion);
        LibRbd.rbd_aio_release(completion);
        Pending pending = PENDING.remove(Pointer.nativeValue(arg));
        if (pending == null) {
            return; // cannot happen: every id is registered before its completion exists
        }
        NativeIoException failure = failure(pending.call(), pending.context(), pending.readBytes(), result);
        pending.image().aioEnded(failure);
        if (failure != null) {
            pending.done().failed(failure);
        } else {
            pending.done().completed();
        }
    }

    /**
     * What {@code rbd_aio_get_return_value} gave, {@code result}, means for {@code call}: null for
     * success, else the failure to report. A read ({@code readBytes} not {@link #NOT_A_READ})
     * succeeds only when it returned all {@code readBytes}; librbd clips a read at the image end
     * (which moves when the image is resized while open) and returns the count it read.
     */
    static NativeIoException failure(String call, String context, long readBytes, long result) {
        if (result < 0) {
            return NativeIoException.of(call, (int) -result, context);
        }
        if (readBytes != NOT_A_READ && result != readBytes) {
            return new ShortReadException(call, context, result, readBytes);
        }
        return null;
    }
}

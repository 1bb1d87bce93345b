package dev.restoreagent.io.memory;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One loan of a fixed-size direct buffer from a {@link DirectBufferPool}.
 *
 * <p>Exactly one owner at a time: the code that took it from the pool, or the code it was handed
 * to (every method that takes a {@code DirectBuffer} says whether ownership transfers). The owner
 * gives it back with {@link DirectBufferPool#release}. The loan is then poisoned: every accessor
 * of this object throws {@link IllegalStateException}, even though the memory lives on in the pool
 * under a new loan. Not thread-safe; hand-offs between threads go through a happens-before edge
 * (a queue, a future, a lock).
 */
public final class DirectBuffer {
    private final DirectBufferPool pool;
    private final ByteBuf backing;
    private final ByteBuffer view;
    /** Shared with the pool's leak alarm, which must not hold this object. */
    private final AtomicBoolean released = new AtomicBoolean();

    DirectBuffer(DirectBufferPool pool, ByteBuf backing) {
        this.pool = pool;
        this.backing = backing;
        this.view = backing.nioBuffer(0, backing.capacity());
    }

    /**
     * The buffer's memory as a direct {@link ByteBuffer}; position and limit are the owner's to use.
     * Do not keep it past the loan.
     */
    public ByteBuffer nio() {
        ensureLive();
        return view;
    }

    public int capacity() {
        ensureLive();
        return view.capacity();
    }

    /** The pool this buffer was lent by, and goes back to. */
    public DirectBufferPool pool() {
        return pool;
    }

    /**
     * The native address of the buffer's first byte, for handing to native code that reads it
     * later (AIO); the memory stays valid until the owner releases the loan.
     */
    public long address() {
        ensureLive();
        return backing.memoryAddress();
    }

    ByteBuf backing() {
        return backing;
    }

    /** Ends the loan; false if it had ended already (a second release). */
    boolean poison() {
        return released.compareAndSet(false, true);
    }

    AtomicBoolean releasedFlag() {
        return released;
    }

    private void ensureLive() {
        if (released.get()) {
            throw new IllegalStateException("DirectBuffer used after release to pool " + pool.name());
        }
    }
}

package dev.restoreagent.nativeb.rados;

import com.sun.jna.Pointer;
import dev.restoreagent.nativeb.rados.raw.LibRados;

import java.util.concurrent.atomic.AtomicReference;

/**
 * An open pool, in a namespace or not ({@code rados_ioctx_t}). Images are opened through it (see
 * {@code dev.restoreagent.nativeb.rbd.RbdImage}). Thread-safe; {@link #close()} destroys it once,
 * after every image opened through it is closed.
 */
public final class IoContext implements AutoCloseable {
    private final AtomicReference<Pointer> handle;
    private final String pool;
    private final String namespace;

    IoContext(Pointer handle, String pool, String namespace) {
        this.handle = new AtomicReference<>(handle);
        this.pool = pool;
        this.namespace = namespace == null ? "" : namespace;
    }

    public String pool() {
        return pool;
    }

    public String namespace() {
        return namespace;
    }

    /** {@code pool} or {@code pool/namespace}, for messages. */
    public String describe() {
        return namespace.isEmpty() ? pool : pool + "/" + namespace;
    }

    /** The raw handle, for the librbd wrapper of this module only. */
    public Pointer handle() {
        Pointer current = handle.get();
        if (current == null) {
            throw new IllegalStateException("IoContext closed: " + describe());
        }
        return current;
    }

    @Override
    public void close() {
        Pointer current = handle.getAndSet(null);
        if (current != null) {
            LibRados.rados_ioctx_destroy(current);
        }
    }
}

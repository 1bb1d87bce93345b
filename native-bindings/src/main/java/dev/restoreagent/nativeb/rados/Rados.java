package dev.restoreagent.nativeb.rados;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.raw.LibRados;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connected cluster handle ({@code rados_t}). One per process is enough: {@code rados_connect}
 * starts some 13 threads, shared by every pool and image opened through it. Thread-safe;
 * {@link #close()} shuts down once, after every {@link IoContext} made from it is closed.
 */
public final class Rados implements AutoCloseable {
    private final AtomicReference<Pointer> handle;
    private final String clientName;

    private Rados(Pointer handle, String clientName) {
        this.handle = new AtomicReference<>(handle);
        this.clientName = clientName;
    }

    /**
     * Creates the handle, reads the configuration file, then {@code CEPH_ARGS} (as the {@code rbd}
     * CLI does: its options win over the file's), applies {@code config.keyring()} and
     * {@code config.overrides()} (which win over both), then connects (bounded by
     * {@code client_mount_timeout}).
     *
     * @throws NativeIoException naming the call that failed: a missing configuration, a bad
     *     option, no monitor answering, authentication refused; a failed {@code rados_connect}
     *     is a {@link RadosConnectException}, naming the monitors and the keyring it tried
     */
    public static Rados connect(RadosConfig config) throws NativeIoException {
        PointerByReference out = new PointerByReference();
        NativeCheck.checkNegErrno(LibRados.rados_create2(out, config.cluster(), config.clientName(), 0),
                "rados_create2", "cluster", config.cluster(), "name", config.clientName());
        Pointer cluster = out.getValue();
        try {
            String conf = config.confFile() == null ? null : config.confFile().toString();
            NativeCheck.checkNegErrno(LibRados.rados_conf_read_file(cluster, conf), "rados_conf_read_file",
                    "path", conf == null ? "$CEPH_CONF or default" : conf);
            NativeCheck.checkNegErrno(LibRados.rados_conf_parse_env(cluster, null), "rados_conf_parse_env",
                    "variable", "CEPH_ARGS");
            if (config.keyring() != null) {
                set(cluster, "keyring", config.keyring().toString());
            }
            for (Map.Entry<String, String> option : config.overrides().entrySet()) {
                set(cluster, option.getKey(), option.getValue());
            }
            int rc = LibRados.rados_connect(cluster);
            if (rc < 0) {
                String monHost = value(cluster, "mon_host");
                String keyring = value(cluster, "keyring");
                throw new RadosConnectException(-rc, NativeCheck.context("cluster", config.cluster(), "name",
                        config.clientName(), "mon_host", monHost, "keyring", keyring), monHost, keyring);
            }
            return new Rados(cluster, config.clientName());
        } catch (NativeIoException | RuntimeException e) {
            LibRados.rados_shutdown(cluster);
            throw e;
        }
    }

    /** An option's value on a handle not yet connected, or {@code ?} if it cannot be read. */
    private static String value(Pointer cluster, String option) {
        byte[] buffer = new byte[4096];
        int rc = LibRados.rados_conf_get(cluster, option, buffer, buffer.length);
        return rc < 0 ? "?" : Native.toString(buffer, StandardCharsets.UTF_8.name());
    }

    private static void set(Pointer cluster, String option, String value) throws NativeIoException {
        NativeCheck.checkNegErrno(LibRados.rados_conf_set(cluster, option, value), "rados_conf_set",
                "option", option, "value", value);
    }

    /** The value of a client option as this handle has it, e.g. {@code rbd_cache}. */
    public String configValue(String option) throws NativeIoException {
        byte[] buffer = new byte[4096];
        NativeCheck.checkNegErrno(LibRados.rados_conf_get(ensureOpen(), option, buffer, buffer.length),
                "rados_conf_get", "option", option);
        return Native.toString(buffer, StandardCharsets.UTF_8.name());
    }

    /** The entity this handle authenticated as, e.g. {@code client.admin}. */
    public String clientName() {
        return clientName;
    }

    /**
     * Opens pool {@code pool}, in {@code namespace} if not null or empty.
     *
     * @throws NativeIoException ENOENT when there is no such pool
     */
    public IoContext openIoContext(String pool, String namespace) throws NativeIoException {
        PointerByReference out = new PointerByReference();
        NativeCheck.checkNegErrno(LibRados.rados_ioctx_create(ensureOpen(), pool, out), "rados_ioctx_create",
                "pool", pool);
        if (namespace != null && !namespace.isEmpty()) {
            LibRados.rados_ioctx_set_namespace(out.getValue(), namespace);
        }
        return new IoContext(out.getValue(), pool, namespace);
    }

    private Pointer ensureOpen() {
        Pointer current = handle.get();
        if (current == null) {
            throw new IllegalStateException("Rados closed");
        }
        return current;
    }

    /** Shuts the connection down; later calls do nothing. */
    @Override
    public void close() {
        Pointer current = handle.getAndSet(null);
        if (current != null) {
            LibRados.rados_shutdown(current);
        }
    }
}

package dev.restoreagent.io.rbd;

import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.Rados;
import dev.restoreagent.nativeb.rados.RadosConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cluster connection set up for zero-copy restores. Before connecting it sets:
 * <ul>
 *   <li>{@code rbd_disable_zero_copy_writes=false}: librbd writes straight from our buffers
 *       instead of copying each one (the default copies);
 *   <li>{@code rbd_cache=false}: any cache with dirty bytes forces the copy back on, and zero-copy
 *       with the writethrough cache hangs the first write;
 *   <li>a finite {@code rados_osd_op_timeout}: with the default 0, a write to a dead OSD never
 *       completes, and a restore would hang instead of failing;
 *   <li>the same bound on {@code client_mount_timeout} and {@code rados_mon_op_timeout}: with dead
 *       monitors, the connect would wait 300 s and a monitor command for ever.
 * </ul>
 * It reads them back after connecting ({@link #settingsInEffect()}). Thread-safe; one per process.
 */
public final class RbdConnection implements AutoCloseable {
    /** The options this class sets, in the order they are reported. */
    public static final String ZERO_COPY = "rbd_disable_zero_copy_writes";
    public static final String CACHE = "rbd_cache";
    public static final String OSD_OP_TIMEOUT = "rados_osd_op_timeout";
    /** Bound on {@code rados_connect} and on monitor commands: Ceph's defaults wait 300 s and for ever. */
    static final String MOUNT_TIMEOUT = "client_mount_timeout";
    static final String MON_OP_TIMEOUT = "rados_mon_op_timeout";
    /** Default {@code rados_osd_op_timeout}: long enough for a busy OSD, short enough to notice a dead one. */
    public static final Duration DEFAULT_OSD_OP_TIMEOUT = Duration.ofSeconds(30);

    private final Rados rados;
    private final Map<String, String> settings;
    private final Duration osdOpTimeout;
    private volatile boolean abandoned;

    private RbdConnection(Rados rados, Map<String, String> settings, Duration osdOpTimeout) {
        this.rados = rados;
        this.settings = settings;
        this.osdOpTimeout = osdOpTimeout;
    }

    /**
     * Connects with {@code config} plus the zero-copy settings.
     *
     * @param zeroCopy false makes librbd copy every write: for diagnosis and for measuring the difference
     */
    public static RbdConnection connect(RadosConfig config, Duration osdOpTimeout, boolean zeroCopy)
            throws NativeIoException {
        Map<String, String> overrides = new LinkedHashMap<>(config.overrides());
        overrides.put(ZERO_COPY, zeroCopy ? "false" : "true");
        overrides.put(CACHE, "false");
        String timeout = Long.toString(Math.max(1, osdOpTimeout.toSeconds()));
        overrides.put(OSD_OP_TIMEOUT, timeout);
        overrides.putIfAbsent(MOUNT_TIMEOUT, timeout);
        overrides.putIfAbsent(MON_OP_TIMEOUT, timeout);
        Rados rados = Rados.connect(new RadosConfig(config.cluster(), config.id(), config.confFile(),
                config.keyring(), overrides));
        try {
            Map<String, String> inEffect = new LinkedHashMap<>();
            for (String option : new String[] {ZERO_COPY, CACHE, OSD_OP_TIMEOUT}) {
                inEffect.put(option, rados.configValue(option));
            }
            return new RbdConnection(rados, Map.copyOf(inEffect), osdOpTimeout);
        } catch (NativeIoException | RuntimeException e) {
            rados.close();
            throw e;
        }
    }

    /** The three options as the connection has them, read back after connecting. */
    public Map<String, String> settingsInEffect() {
        return settings;
    }

    /** {@code option=value ...} of {@link #settingsInEffect()}, for logs. */
    public String describeSettings() {
        StringBuilder text = new StringBuilder();
        for (String option : new String[] {ZERO_COPY, CACHE, OSD_OP_TIMEOUT}) {
            text.append(text.length() == 0 ? "" : " ").append(option).append('=').append(settings.get(option));
        }
        return text.toString();
    }

    /**
     * How long an image's writes may go without a completion before its restore gives up: twice
     * the OSD op timeout and some slack. Beyond the OSD timeout, librbd can still hold writes
     * back while it tries to re-take its lock from a dead OSD, forever.
     */
    public Duration stallTimeout() {
        return osdOpTimeout.multipliedBy(2).plusSeconds(5);
    }

    /**
     * Marks the connection as unsafe to shut down: librbd still holds writes that never
     * completed, and {@code rados_shutdown} would wait for them forever. {@link #close()} then
     * leaves the handle to the process's exit.
     */
    public void abandon() {
        abandoned = true;
    }

    public String clientName() {
        return rados.clientName();
    }

    /** Opens the pool (and namespace) of {@code spec}; the caller closes it after its images. */
    public IoContext openPool(RbdImageSpec spec) throws NativeIoException {
        return openPool(spec.pool(), spec.namespace());
    }

    /** Opens {@code pool} (and {@code namespace}, when not null or empty); the caller closes it after its images. */
    public IoContext openPool(String pool, String namespace) throws NativeIoException {
        return rados.openIoContext(pool, namespace);
    }

    @Override
    public void close() {
        if (!abandoned) {
            rados.close();
        }
    }
}

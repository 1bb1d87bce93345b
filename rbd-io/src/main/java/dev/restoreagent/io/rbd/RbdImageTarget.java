package dev.restoreagent.io.rbd;

import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.io.targets.TargetException;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.NativeTimeoutException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rbd.ImageWatcher;
import dev.restoreagent.nativeb.rbd.ImageCreateOptions;
import dev.restoreagent.nativeb.rbd.RbdImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An RBD image as a restore target: each buffer goes to {@code rbd_aio_write2} as it is, and is
 * given back only when librbd's completion fires (with zero-copy, librbd reads it until then).
 * Zeros that must be written become {@code rbd_aio_write_zeroes}, which sends no data.
 *
 * <p>Safety at open: the exclusive lock is taken up front, and an image that another client owns
 * or has open is refused unless forced. The incomplete mark is the image metadata key
 * {@value #INCOMPLETE_KEY} ({@code rbd image-meta get POOL/IMAGE restore-agent.incomplete}).
 *
 * <p>Once an operation on the image has timed out ({@code rados_osd_op_timeout}), the cluster is
 * taken as not answering: the mark is neither read nor written (each try would wait a whole
 * timeout again, for an answer that cannot come while the OSD is down), flushes fail at once, and
 * {@link #close()} leaves the image open rather than have {@code rbd_close} wait on the dead OSD.
 */
public final class RbdImageTarget implements BlockTarget {
    /** Image metadata key of the incomplete mark. */
    public static final String INCOMPLETE_KEY = "restore-agent.incomplete";

    private final RbdImage image;
    private final boolean readsAsZeros;
    private final Duration stallTimeout;
    /** The first timeout seen on this image, or null while the cluster answers. */
    private volatile NativeIoException unanswered;

    private RbdImageTarget(RbdImage image, boolean readsAsZeros, Duration stallTimeout) {
        this.image = image;
        this.readsAsZeros = readsAsZeros;
        this.stallTimeout = stallTimeout;
    }

    /**
     * Opens an existing image for a restore.
     *
     * @param force proceed even if another client watches the image, breaking its exclusive lock
     * @param knownZeroed the operator vouches that the image reads as zeros; else it does when its
     *     fast-diff object map is valid and lists no extent (an image Cinder just created for the restore)
     * @throws TargetException if the image does not exist, is in use, or overrides the zero-copy
     *     settings in a way that would hang
     */
    public static RbdImageTarget open(IoContext pool, String imageName, boolean force, boolean knownZeroed,
                                      Duration stallTimeout) throws IOException {
        RbdImage image = openImage(pool, imageName);
        try {
            lockForRestore(image, force);
            // without a valid object map, listing extents reads every object: then it is not asked
            boolean zeroed = knownZeroed
                    || image.fastDiffValid() && image.extents(0, image.sizeBytes(), true).isEmpty();
            return new RbdImageTarget(image, zeroed, stallTimeout);
        } catch (IOException | RuntimeException e) {
            closeQuietly(image);
            throw e;
        }
    }

    /**
     * Creates an image of {@code sizeBytes} as {@code options} say and opens it; a new image reads
     * as zeros.
     *
     * @throws TargetException if the image exists already, or the data pool does not
     */
    public static RbdImageTarget create(IoContext pool, String imageName, long sizeBytes, ImageCreateOptions options,
                                        Duration stallTimeout) throws IOException {
        try {
            RbdImage.create(pool, imageName, sizeBytes, options);
        } catch (NativeIoException e) {
            if (e.errno() == Errno.EEXIST.code()) {
                throw new TargetException("image " + pool.describe() + "/" + imageName
                        + " exists already; --create makes a new image only", e);
            }
            if (e.errno() == Errno.ENOENT.code() && options.dataPool() != null) {
                throw new TargetException("cannot create image " + pool.describe() + "/" + imageName + ": data pool "
                        + options.dataPool() + " does not exist", e);
            }
            throw e;
        }
        RbdImage image = openImage(pool, imageName);
        try {
            lockForRestore(image, false);
            return new RbdImageTarget(image, true, stallTimeout);
        } catch (IOException | RuntimeException e) {
            closeQuietly(image);
            throw e;
        }
    }

    private static RbdImage openImage(IoContext pool, String imageName) throws IOException {
        try {
            return RbdImage.open(pool, imageName);
        } catch (NativeIoException e) {
            if (e.errno() == Errno.ENOENT.code()) {
                throw new TargetException("image " + pool.describe() + "/" + imageName
                        + " does not exist (use --create to make it)", e);
            }
            throw e;
        }
    }

    private static void lockForRestore(RbdImage image, boolean force) throws IOException {
        // our own handle is one watcher; any other is a client with the image open (a VM, a mapping)
        List<ImageWatcher> watchers = image.watchers();
        List<String> owners = image.lockOwners();
        if (!force && watchers.size() > 1) {
            throw new TargetException("image " + image.name() + " is open by another client (watchers: "
                    + watchers.stream().map(ImageWatcher::address).collect(Collectors.joining(", "))
                    + "); stop it first, or use --force");
        }
        if (!owners.isEmpty()) {
            if (!force) {
                throw new TargetException("image " + image.name() + " is locked by " + String.join(", ", owners)
                        + "; stop that client first, or use --force to break its lock");
            }
            for (String owner : owners) {
                image.breakExclusiveLock(owner);
            }
        }
        try {
            image.acquireExclusiveLock();
        } catch (NativeIoException e) {
            // EINVAL: the image has no exclusive-lock feature; the watcher check above is all we can do
            if (e.errno() != Errno.EINVAL.code()) {
                throw new TargetException("cannot take the exclusive lock of image " + image.name() + ": "
                        + e.getMessage(), e);
            }
        }
        Map<String, String> config = image.effectiveConfig();
        if ("false".equals(config.get(RbdConnection.ZERO_COPY)) && "true".equals(config.get(RbdConnection.CACHE))) {
            // zero-copy writes with the cache on hang at the first write (see RbdConnection)
            throw new TargetException("image " + image.name() + " overrides rbd_cache=true, which with zero-copy"
                    + " writes hangs librbd; remove the override (rbd config image rm ... rbd_cache)");
        }
    }

    /** The options librbd applies to this image (image and pool overrides included). */
    public Map<String, String> effectiveConfig() throws IOException {
        return image.effectiveConfig();
    }

    /** Writes in flight in librbd now. */
    public int inFlight() {
        return image.inFlight();
    }

    @Override
    public String name() {
        return "rbd:" + image.name();
    }

    @Override
    public Duration stallTimeout() {
        return stallTimeout;
    }

    @Override
    public long capacityBytes() {
        return image.sizeBytes();
    }

    @Override
    public boolean readsAsZeros() {
        return readsAsZeros;
    }

    @Override
    public void write(long offsetBytes, ByteBuffer data, IoCompletion done) {
        try {
            // librbd's completion calls done itself; the image notes a timeout where it sees it
            image.aioWrite(offsetBytes, data, done);
        } catch (NativeIoException e) {
            done.failed(e);
        }
    }

    @Override
    public void writeZeros(long offsetBytes, ByteBuffer zeros, IoCompletion done) {
        try {
            image.aioWriteZeroes(offsetBytes, zeros.remaining(), done);
        } catch (NativeIoException e) {
            done.failed(e);
        }
    }

    private void noteTimeout(NativeIoException e) {
        if (e instanceof NativeTimeoutException timeout && unanswered == null) {
            unanswered = timeout;
        }
    }

    /**
     * Whether an operation on this image timed out: the cluster did not answer within
     * {@code rados_osd_op_timeout}, and later operations would wait that long again.
     */
    public boolean isUnanswered() {
        return firstTimeout() != null;
    }

    /** The first timeout of a call on this image, a write's or a metadata call's; null while it answers. */
    private NativeIoException firstTimeout() {
        NativeIoException metadata = unanswered;
        return metadata != null ? metadata : image.firstTimeout().orElse(null);
    }

    /** Throws at once if the cluster is known not to answer, saying what was not tried. */
    private void checkAnswering(String what) throws TargetException {
        NativeIoException timeout = firstTimeout();
        if (timeout != null) {
            throw new TargetException(what + " not tried: the cluster did not answer in time before ("
                    + timeout.getMessage() + ")", timeout);
        }
    }

    /** Runs a metadata call, noting a timeout. */
    private <T> T metadataCall(String what, MetadataCall<T> call) throws IOException {
        checkAnswering(what);
        try {
            return call.run();
        } catch (NativeIoException e) {
            noteTimeout(e);
            throw e;
        }
    }

    @FunctionalInterface
    private interface MetadataCall<T> {
        T run() throws NativeIoException;
    }

    @Override
    public void extendTo(long bytes) {
        // an image has its size; the restore checked the data fits before writing
    }

    @Override
    public void flush() throws IOException {
        metadataCall("flush of image " + image.name(), () -> {
            image.flush();
            return null;
        });
    }

    @Override
    public void markIncomplete(String what) throws IOException {
        metadataCall("writing the mark", () -> {
            image.setMetadata(INCOMPLETE_KEY, what);
            return null;
        });
    }

    @Override
    public void clearIncomplete() throws IOException {
        metadataCall("removing the mark", () -> {
            image.removeMetadata(INCOMPLETE_KEY);
            return null;
        });
    }

    /**
     * The mark, read from the image header.
     *
     * @throws TargetException at once, without asking the cluster, if an operation timed out or
     *     writes are still in flight: the mark cannot be confirmed while the OSD does not answer
     */
    @Override
    public Optional<String> incompleteMark() throws IOException {
        int stuck = image.inFlight();
        if (stuck > 0) {
            throw new TargetException("reading the mark not tried: " + stuck
                    + " writes to the image never completed, so the cluster is not answering");
        }
        return metadataCall("reading the mark", () -> image.metadata(INCOMPLETE_KEY));
    }

    @Override
    public String markLocation() {
        return "image metadata " + INCOMPLETE_KEY + " of " + image.name();
    }

    /**
     * Closes the image, unless writes never completed or the cluster stopped answering:
     * {@code rbd_close} would wait for those writes forever, and it releases the exclusive lock
     * and the header watch through the OSD, waiting a whole op timeout (or longer) for a dead one.
     * The image is then left open for the process's exit to end, and the buffers of writes in
     * flight stay allocated until they complete or the process exits.
     *
     * @throws TargetException in that case, naming the writes left in flight
     */
    @Override
    public void close() throws IOException {
        int stuck = image.inFlight();
        if (stuck > 0) {
            throw new TargetException("image " + image.name() + " left open: " + stuck
                    + " writes never completed; their buffers stay allocated until they do or the process exits");
        }
        NativeIoException timeout = firstTimeout();
        if (timeout != null) {
            throw new TargetException("image " + image.name() + " left open: the cluster did not answer ("
                    + timeout.getMessage() + ")", timeout);
        }
        image.close();
    }

    private static void closeQuietly(RbdImage image) {
        try {
            image.close();
        } catch (NativeIoException e) {
            // the open failed already; that failure is the one to report
        }
    }
}

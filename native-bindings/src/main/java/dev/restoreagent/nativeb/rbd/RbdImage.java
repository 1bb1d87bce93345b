package dev.restoreagent.nativeb.rbd;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.NativeTimeoutException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rbd.raw.LibRbd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An open RBD image ({@code rbd_image_t}): for one writer ({@link #open}), or read-only at the head
 * or at a snapshot ({@link #openReadOnly}).
 *
 * <p>Asynchronous writes: the caller keeps ownership of the data buffer, which must be direct and
 * stay allocated and unmodified until its {@link IoCompletion} fires. With zero-copy writes on
 * ({@code rbd_disable_zero_copy_writes=false}) librbd reads the caller's memory until then.
 * Every write is checked against the image size before it is submitted: under zero-copy, a
 * write wholly past the end is accepted and its completion never fires.
 *
 * <p>Asynchronous reads ({@link #aioRead}): the caller keeps ownership of the direct buffer, and
 * librbd writes into it until the completion fires; the caller must neither read nor write it,
 * nor free it, before then. Reads and writes share one in-flight count and one timeout record.
 *
 * <p>Thread-safe for submissions from one thread and completions on librbd's; {@link #close()}
 * closes once, and librbd's {@code rbd_close} waits for writes in flight and their callbacks.
 */
public final class RbdImage implements AutoCloseable {
    private static final int WATCHER_BYTES = 24;
    private static final int CONFIG_OPTION_BYTES = 24;
    private static final int IMAGE_INFO_BYTES = 160;
    /** {@code rbd_snap_info_t}: {@code uint64_t id} 0, {@code uint64_t size} 8, {@code const char *name} 16. */
    private static final int SNAP_INFO_BYTES = 24;
    /** {@code rbd_image_spec_t}: {@code char *id} 0, {@code char *name} 8. */
    private static final int IMAGE_SPEC_BYTES = 16;

    private final AtomicReference<Pointer> handle;
    private final String name;
    private final long sizeBytes;
    private final boolean readOnly;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The first AIO operation of this image that timed out, or null while the cluster answers. */
    private final AtomicReference<NativeTimeoutException> firstTimeout = new AtomicReference<>();

    private RbdImage(Pointer handle, String name, long sizeBytes, boolean readOnly) {
        this.handle = new AtomicReference<>(handle);
        this.name = name;
        this.sizeBytes = sizeBytes;
        this.readOnly = readOnly;
    }

    /** librbd's version, e.g. {@code 1.16.0}. */
    public static String librbdVersion() {
        IntByReference major = new IntByReference();
        IntByReference minor = new IntByReference();
        IntByReference extra = new IntByReference();
        LibRbd.rbd_version(major, minor, extra);
        return major.getValue() + "." + minor.getValue() + "." + extra.getValue();
    }

    /**
     * Creates an image of {@code sizeBytes} as {@code options} say.
     *
     * @throws NativeIoException EEXIST when the image exists, ENOENT when the data pool does not
     */
    public static void create(IoContext io, String name, long sizeBytes, ImageCreateOptions options)
            throws NativeIoException {
        PointerByReference handle = new PointerByReference();
        LibRbd.rbd_image_options_create(handle);
        Pointer opts = handle.getValue();
        try {
            if (options.order() > 0) {
                NativeCheck.checkNegErrno(LibRbd.rbd_image_options_set_uint64(opts, LibRbd.RBD_IMAGE_OPTION_ORDER,
                        options.order()), "rbd_image_options_set_uint64", "order", options.order());
            }
            if (options.features() != 0) {
                NativeCheck.checkNegErrno(LibRbd.rbd_image_options_set_uint64(opts, LibRbd.RBD_IMAGE_OPTION_FEATURES,
                        options.features()), "rbd_image_options_set_uint64", "features", options.features());
            }
            if (options.dataPool() != null) {
                NativeCheck.checkNegErrno(LibRbd.rbd_image_options_set_string(opts,
                        LibRbd.RBD_IMAGE_OPTION_DATA_POOL, options.dataPool()), "rbd_image_options_set_string",
                        "data_pool", options.dataPool());
            }
            NativeCheck.checkNegErrno(LibRbd.rbd_create4(io.handle(), name, sizeBytes, opts),
                    "rbd_create4", "image", io.describe() + "/" + name, "size", sizeBytes);
        } finally {
            LibRbd.rbd_image_options_destroy(opts);
        }
    }

    /** Removes an image. */
    public static void remove(IoContext io, String name) throws NativeIoException {
        NativeCheck.checkNegErrno(LibRbd.rbd_remove(io.handle(), name), "rbd_remove",
                "image", io.describe() + "/" + name);
    }

    /**
     * Opens an image for writing.
     *
     * @throws NativeIoException ENOENT when there is no such image
     */
    public static RbdImage open(IoContext io, String name) throws NativeIoException {
        String described = io.describe() + "/" + name;
        PointerByReference out = new PointerByReference();
        NativeCheck.checkNegErrno(LibRbd.rbd_open(io.handle(), name, out, null), "rbd_open", "image", described);
        return sized(out.getValue(), described, false);
    }

    /** The opened {@code image} with its size; closed again if the size cannot be read. */
    private static RbdImage sized(Pointer image, String described, boolean readOnly) throws NativeIoException {
        LongByReference size = new LongByReference();
        int rc = LibRbd.rbd_get_size(image, size);
        if (rc < 0) {
            LibRbd.rbd_close(image);
            NativeCheck.checkNegErrno(rc, "rbd_get_size", "image", described);
        }
        return new RbdImage(image, described, size.getValue(), readOnly);
    }

    /**
     * Opens an image read-only, at snapshot {@code snapshot}, or at the head when it is null
     * ({@code rbd_open_read_only}). Such a handle takes no lock and does not stop writers; writes
     * through it fail with EROFS ({@link #aioWrite} at once, see there). {@link #name()} then ends
     * in {@code @snapshot}, so every failure names the snapshot, and {@link #sizeBytes()} is the
     * snapshot's size.
     *
     * @throws NativeIoException ENOENT when there is no such image or no such snapshot of it
     */
    public static RbdImage openReadOnly(IoContext io, String name, String snapshot) throws NativeIoException {
        String described = io.describe() + "/" + name + (snapshot == null ? "" : "@" + snapshot);
        PointerByReference out = new PointerByReference();
        NativeCheck.checkNegErrno(LibRbd.rbd_open_read_only(io.handle(), name, out, snapshot),
                "rbd_open_read_only", "image", described);
        return sized(out.getValue(), described, true);
    }

    /**
     * The names of the images in {@code io}'s pool (and namespace), sorted ({@code rbd_list2}).
     * Images in the trash are not among them.
     */
    public static List<String> list(IoContext io) throws NativeIoException {
        long max = 64;
        while (true) {
            Memory specs = new Memory(IMAGE_SPEC_BYTES * max);
            // librbd clears the array itself before it looks; cleared here too, so a failure leaves no garbage
            specs.clear();
            LongByReference count = new LongByReference(max);
            int rc = LibRbd.rbd_list2(io.handle(), specs, count);
            if (rc == -Errno.ERANGE.code() && count.getValue() > max) {
                max = count.getValue(); // more images than room: librbd says how many, and fills nothing
                continue;
            }
            NativeCheck.checkNegErrno(rc, "rbd_list2", "pool", io.describe());
            List<String> names = new ArrayList<>();
            try {
                for (long i = 0; i < count.getValue(); i++) {
                    Pointer imageName = specs.getPointer(i * IMAGE_SPEC_BYTES + 8);
                    names.add(imageName.getString(0, StandardCharsets.UTF_8.name()));
                }
            } finally {
                LibRbd.rbd_image_spec_list_cleanup(specs, count.getValue());
            }
            names.sort(null);
            return List.copyOf(names);
        }
    }

    /** {@code pool[/namespace]/image}, with {@code @snapshot} for a handle opened at one. */
    public String name() {
        return name;
    }

    /** The image size when it was opened; at a snapshot, the snapshot's size. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** The image's {@code RBD_FEATURE_*} bits. */
    public long features() throws NativeIoException {
        LongByReference features = new LongByReference();
        NativeCheck.checkNegErrno(LibRbd.rbd_get_features(ensureOpen(), features), "rbd_get_features",
                "image", name);
        return features.getValue();
    }

    /**
     * Whether the image (at this handle's snapshot, if any) has a fast-diff object map that librbd
     * trusts: the fast-diff feature is on, and neither {@code RBD_FLAG_OBJECT_MAP_INVALID} nor
     * {@code RBD_FLAG_FAST_DIFF_INVALID} is set. When it is, {@link #extents} with {@code wholeObject}
     * reads the object map instead of asking every object.
     */
    public boolean fastDiffValid() throws NativeIoException {
        if ((features() & LibRbd.RBD_FEATURE_FAST_DIFF) == 0) {
            return false;
        }
        LongByReference flags = new LongByReference();
        NativeCheck.checkNegErrno(LibRbd.rbd_get_flags(ensureOpen(), flags), "rbd_get_flags", "image", name);
        return (flags.getValue() & (LibRbd.RBD_FLAG_OBJECT_MAP_INVALID | LibRbd.RBD_FLAG_FAST_DIFF_INVALID)) == 0;
    }

    /** The id of the pool holding the image's data: its own pool's, unless it was made with a data pool. */
    public long dataPoolId() throws NativeIoException {
        return NativeCheck.checkNegErrno(LibRbd.rbd_get_data_pool_id(ensureOpen()), "rbd_get_data_pool_id",
                "image", name);
    }

    /** The image's geometry now ({@code rbd_stat}). */
    public ImageInfo stat() throws NativeIoException {
        Memory info = new Memory(IMAGE_INFO_BYTES);
        NativeCheck.checkNegErrno(LibRbd.rbd_stat(ensureOpen(), info, IMAGE_INFO_BYTES), "rbd_stat", "image", name);
        // rbd_image_info_t on x86_64: size 0, obj_size 8, num_objs 16, order 24, block_name_prefix[24] 28
        return new ImageInfo(info.getLong(0), info.getLong(8), info.getLong(16), info.getInt(24),
                info.getString(28));
    }

    /** Asynchronous operations submitted on this image and not completed. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * The first asynchronous operation of this image that timed out ({@code rados_osd_op_timeout}):
     * the cluster did not answer, and later operations would wait as long again.
     */
    public Optional<NativeTimeoutException> firstTimeout() {
        return Optional.ofNullable(firstTimeout.get());
    }

    /** Counts an operation in; called by {@link AioCompletions} once its completion exists. */
    void aioStarted() {
        inFlight.incrementAndGet();
    }

    /** Counts an operation out, noting a timeout; called by {@link AioCompletions} before the caller is told. */
    void aioEnded(NativeIoException failure) {
        if (failure instanceof NativeTimeoutException timeout) {
            firstTimeout.compareAndSet(null, timeout);
        }
        inFlight.decrementAndGet();
    }

    /**
     * The image's user snapshots, by id ({@code rbd_snap_list}): oldest first.
     */
    public List<Snapshot> snapshots() throws NativeIoException {
        int max = 16;
        while (true) {
            Memory snaps = new Memory((long) SNAP_INFO_BYTES * max);
            // zeroed: with no snapshot at all librbd may return 0 without writing the NULL-named end
            // entry that rbd_snap_list_end stops at
            snaps.clear();
            IntByReference count = new IntByReference(max);
            int rc = LibRbd.rbd_snap_list(ensureOpen(), snaps, count);
            if (rc == -Errno.ERANGE.code() && count.getValue() > max) {
                max = count.getValue(); // librbd wants room for every snapshot plus the end entry
                continue;
            }
            int n = (int) NativeCheck.checkNegErrno(rc, "rbd_snap_list", "image", name);
            List<Snapshot> result = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    long at = (long) i * SNAP_INFO_BYTES;
                    result.add(new Snapshot(snaps.getLong(at), snaps.getPointer(at + 16)
                            .getString(0, StandardCharsets.UTF_8.name()), snaps.getLong(at + 8)));
                }
            } finally {
                LibRbd.rbd_snap_list_end(snaps);
            }
            result.sort(Comparator.comparingLong(Snapshot::id));
            return List.copyOf(result);
        }
    }

    /**
     * Takes snapshot {@code snapshot} of the image now ({@code rbd_snap_create}); blocks until it
     * exists. Writes completed before the call are in it; writes still in flight may or may not be.
     *
     * @throws NativeIoException EEXIST when the image has a snapshot of that name, EROFS on a
     *     read-only handle
     */
    public void snapCreate(String snapshot) throws NativeIoException {
        NativeCheck.checkNegErrno(LibRbd.rbd_snap_create(ensureOpen(), snapshot), "rbd_snap_create",
                "image", name, "snapshot", snapshot);
    }

    /**
     * Removes snapshot {@code snapshot} of the image ({@code rbd_snap_remove}); blocks.
     *
     * @throws NativeIoException ENOENT when there is no such snapshot, EBUSY when it is protected
     */
    public void snapRemove(String snapshot) throws NativeIoException {
        NativeCheck.checkNegErrno(LibRbd.rbd_snap_remove(ensureOpen(), snapshot), "rbd_snap_remove",
                "image", name, "snapshot", snapshot);
    }

    /**
     * The allocated ranges of the image as this handle sees it (the head, or its snapshot) within
     * {@code [offset, offset + length)}, in offset order, touching ones merged, each clipped to
     * that range ({@code rbd_diff_iterate2} from the image's creation, parent data included).
     * Everything outside them reads as zeros. Blocks.
     *
     * <p>With {@code wholeObject} false librbd asks each object, and reports it from its start to
     * the end of the last byte written to it (the RADOS object's size): a hole between objects is
     * found, a hole inside one object is not, so a write at object offset 100 shows as a range
     * from the object's start. With {@code wholeObject} true each range covers whole objects, and
     * when {@link #fastDiffValid()} librbd reads them from the object map alone, which is much
     * faster on a large sparse image.
     *
     * @throws IllegalArgumentException for a range outside the image
     */
    public List<Extent> extents(long offset, long length, boolean wholeObject) throws NativeIoException {
        return extents(offset, length, wholeObject, new DiffIterations.Collector());
    }

    /** {@link #extents(long, long, boolean)} into {@code collector}: tests make it throw. */
    List<Extent> extents(long offset, long length, boolean wholeObject, DiffIterations.Collector collector)
            throws NativeIoException {
        Pointer image = ensureOpen();
        checkRange(offset, length);
        long id = DiffIterations.start(collector);
        int rc;
        try {
            rc = LibRbd.rbd_diff_iterate2(image, null, offset, length, (byte) 1, (byte) (wholeObject ? 1 : 0),
                    DiffIterations.callback(), new Pointer(id));
        } finally {
            DiffIterations.finish(id);
        }
        Throwable thrown = collector.failure();
        if (thrown instanceof RuntimeException e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        if (thrown != null) {
            throw new IllegalStateException("collecting the extents of " + name + " failed", thrown);
        }
        NativeCheck.checkNegErrno(rc, "rbd_diff_iterate2", "image", name, "offset", offset, "length", length,
                "whole_object", wholeObject);
        return collector.merged();
    }

    /**
     * Starts reading {@code into.remaining()} bytes at {@code offset} into {@code into} from its
     * position, with no copy: librbd writes straight into the buffer's memory. The buffer's position
     * and limit are not changed; on {@link IoCompletion#completed()} the bytes from position to
     * limit are the image's (zeros where nothing was written). The OSD is told the reads are
     * sequential.
     *
     * <p>{@code done} is told {@link IoCompletion#completed()} only when every byte was read. A
     * read that librbd clips because the image shrank after this handle was opened (the range is
     * checked against {@link #sizeBytes()}) fails with a {@link ShortReadException} carrying the
     * count; other failures are {@link NativeIoException}s naming {@code rbd_aio_read2}, the image
     * (with its snapshot), offset and length, or {@link NativeTimeoutException}s. {@code done} runs
     * on librbd's completion thread: it must not block, nor call back into this image.
     *
     * <p>Ownership: the caller keeps the buffer, and must not touch or free it until {@code done}
     * has been told; this image keeps it referenced until then.
     *
     * @throws IllegalArgumentException for a heap buffer (JNA would read into a copy freed on
     *     return) or a range outside the image
     * @throws NativeIoException if librbd refuses the submission; {@code done} is then not called
     */
    public void aioRead(long offset, ByteBuffer into, IoCompletion done) throws NativeIoException {
        if (!into.isDirect()) {
            throw new IllegalArgumentException("rbd_aio_read2 needs a direct buffer");
        }
        long length = into.remaining();
        submit("rbd_aio_read2", offset, length, into, done, length, (image, completion) ->
                LibRbd.rbd_aio_read2(image, offset, length, into, completion, LibRbd.FADVISE_SEQUENTIAL));
    }

    /**
     * Starts writing {@code data} (position to limit) at {@code offset}, hinting the OSD that the
     * write is sequential and need not be cached.
     *
     * @throws IllegalArgumentException for a heap buffer (JNA would copy it to memory freed on
     *     return) or a range outside the image
     * @throws NativeIoException if librbd refuses the submission, or EROFS at once on a handle from
     *     {@link #openReadOnly}; {@code done} is then not called
     */
    public void aioWrite(long offset, ByteBuffer data, IoCompletion done) throws NativeIoException {
        if (!data.isDirect()) {
            throw new IllegalArgumentException("rbd_aio_write needs a direct buffer");
        }
        if (readOnly) {
            // librbd 16 accepts a zero-copy write on a read-only handle and never fires its completion,
            // not even at rbd_close (copying, it fails with EROFS): refused here with librbd's own answer
            NativeCheck.checkNegErrno(-Errno.EROFS.code(), "rbd_aio_write2", "image", name, "offset", offset,
                    "length", data.remaining());
        }
        submit("rbd_aio_write2", offset, data.remaining(), data, done, AioCompletions.NOT_A_READ,
                (image, completion) -> LibRbd.rbd_aio_write2(image, offset, data.remaining(), data, completion,
                        LibRbd.FADVISE_SEQUENTIAL | LibRbd.FADVISE_NOCACHE));
    }

    /** Starts making {@code [offset, offset + length)} read as zeros ({@code rbd_aio_write_zeroes}). */
    public void aioWriteZeroes(long offset, long length, IoCompletion done) throws NativeIoException {
        submit("rbd_aio_write_zeroes", offset, length, null, done, AioCompletions.NOT_A_READ,
                (image, completion) -> LibRbd.rbd_aio_write_zeroes(image, offset, length, completion, 0, 0));
    }

    /**
     * Starts discarding {@code [offset, offset + length)}: whole objects (and discard granules)
     * in the range are deallocated. Partial granules may keep old data
     * ({@code rbd_skip_partial_discard}): for "must read as zeros" use {@link #aioWriteZeroes}.
     */
    public void aioDiscard(long offset, long length, IoCompletion done) throws NativeIoException {
        submit("rbd_aio_discard", offset, length, null, done, AioCompletions.NOT_A_READ,
                (image, completion) -> LibRbd.rbd_aio_discard(image, offset, length, completion));
    }

    /** One librbd AIO call, given the image and a fresh completion. */
    @FunctionalInterface
    private interface AioCall {
        int submit(Pointer image, Pointer completion);
    }

    private void submit(String call, long offset, long length, ByteBuffer data, IoCompletion done, long readBytes,
                        AioCall aio) throws NativeIoException {
        Pointer image = ensureOpen();
        checkRange(offset, length);
        long id = AioCompletions.nextId();
        // counted in here, and out by the completion (or abandon): the image's one in-flight count
        Pointer completion = AioCompletions.create(id, call, context(offset, length), data, this, done, readBytes);
        int rc = aio.submit(image, completion);
        if (rc < 0) {
            AioCompletions.abandon(id, completion);
            NativeCheck.checkNegErrno(rc, call, "image", name, "offset", offset, "length", length);
        }
    }

    /** Waits until every completed write is durable on the OSDs. */
    public void flush() throws NativeIoException {
        NativeCheck.checkNegErrno(LibRbd.rbd_flush(ensureOpen()), "rbd_flush", "image", name);
    }

    /**
     * Writes {@code data.remaining()} bytes of a direct buffer at {@code offset} and blocks until they are
     * written. librbd copies the bytes before it sends them, whatever the zero-copy setting: this is the
     * path Cinder's restore takes, kept for the benchmark's baseline; restores use {@link #aioWrite}.
     */
    public void write(long offset, ByteBuffer data) throws NativeIoException {
        transfer("rbd_write", LibRbd::rbd_write, offset, data);
    }

    /** Reads {@code into.remaining()} bytes at {@code offset} into a direct buffer; blocks. */
    public void read(long offset, ByteBuffer into) throws NativeIoException {
        transfer("rbd_read", LibRbd::rbd_read, offset, into);
    }

    /** {@code rbd_read} and {@code rbd_write}: bytes moved, or a negative errno. */
    private interface Transfer {
        long call(Pointer image, long offset, long length, ByteBuffer buffer);
    }

    private void transfer(String call, Transfer transfer, long offset, ByteBuffer buffer) throws NativeIoException {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException(call + " needs a direct buffer");
        }
        long length = buffer.remaining();
        checkRange(offset, length);
        long n = NativeCheck.checkNegErrno(transfer.call(ensureOpen(), offset, length, buffer), call,
                "image", name, "offset", offset, "length", length);
        buffer.position(buffer.position() + (int) n);
    }

    /**
     * Takes the exclusive lock now rather than at the first write, so a live owner is found
     * before anything is written.
     */
    public void acquireExclusiveLock() throws NativeIoException {
        NativeCheck.checkNegErrno(LibRbd.rbd_lock_acquire(ensureOpen(), LibRbd.RBD_LOCK_MODE_EXCLUSIVE),
                "rbd_lock_acquire", "image", name);
    }

    /** Whether this handle owns the exclusive lock. */
    public boolean ownsExclusiveLock() throws NativeIoException {
        IntByReference owner = new IntByReference();
        NativeCheck.checkNegErrno(LibRbd.rbd_is_exclusive_lock_owner(ensureOpen(), owner),
                "rbd_is_exclusive_lock_owner", "image", name);
        return owner.getValue() != 0;
    }

    /** The clients that own the image's exclusive lock now (none when it is free). */
    public List<String> lockOwners() throws NativeIoException {
        int max = 8;
        Memory owners = new Memory((long) Native.POINTER_SIZE * max);
        LongByReference count = new LongByReference(max);
        IntByReference mode = new IntByReference();
        int rc = LibRbd.rbd_lock_get_owners(ensureOpen(), mode, owners, count);
        if (rc == -Errno.ENOENT.code()) {
            return List.of();
        }
        NativeCheck.checkNegErrno(rc, "rbd_lock_get_owners", "image", name);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < count.getValue(); i++) {
            result.add(owners.getPointer((long) i * Native.POINTER_SIZE).getString(0));
        }
        LibRbd.rbd_lock_get_owners_cleanup(owners, count.getValue());
        return result;
    }

    /** Breaks another client's exclusive lock; librbd blocklists that client. */
    public void breakExclusiveLock(String owner) throws NativeIoException {
        NativeCheck.checkNegErrno(LibRbd.rbd_lock_break(ensureOpen(), LibRbd.RBD_LOCK_MODE_EXCLUSIVE, owner),
                "rbd_lock_break", "image", name, "owner", owner);
    }

    /** Every client watching the image, this handle included. */
    public List<ImageWatcher> watchers() throws NativeIoException {
        int max = 64;
        Memory watchers = new Memory((long) WATCHER_BYTES * max);
        LongByReference count = new LongByReference(max);
        NativeCheck.checkNegErrno(LibRbd.rbd_watchers_list(ensureOpen(), watchers, count), "rbd_watchers_list",
                "image", name);
        List<ImageWatcher> result = new ArrayList<>();
        for (int i = 0; i < count.getValue(); i++) {
            long at = (long) i * WATCHER_BYTES;
            result.add(new ImageWatcher(watchers.getPointer(at).getString(0), watchers.getLong(at + 8),
                    watchers.getLong(at + 16)));
        }
        LibRbd.rbd_watchers_list_cleanup(watchers, count.getValue());
        return result;
    }

    /** Image metadata {@code key}, if set. */
    public Optional<String> metadata(String key) throws NativeIoException {
        int capacity = 256;
        while (true) {
            byte[] value = new byte[capacity];
            LongByReference length = new LongByReference(capacity);
            int rc = LibRbd.rbd_metadata_get(ensureOpen(), key, value, length);
            if (rc == -Errno.ENOENT.code()) {
                return Optional.empty();
            }
            if (rc == -Errno.ERANGE.code() && length.getValue() > capacity) {
                capacity = (int) length.getValue();
                continue;
            }
            NativeCheck.checkNegErrno(rc, "rbd_metadata_get", "image", name, "key", key);
            return Optional.of(Native.toString(value, StandardCharsets.UTF_8.name()));
        }
    }

    /** Sets image metadata {@code key}; it is stored in the image header object, durably. */
    public void setMetadata(String key, String value) throws NativeIoException {
        NativeCheck.checkNegErrno(LibRbd.rbd_metadata_set(ensureOpen(), key, value), "rbd_metadata_set",
                "image", name, "key", key);
    }

    /** Removes image metadata {@code key}; nothing happens if it is not set. */
    public void removeMetadata(String key) throws NativeIoException {
        int rc = LibRbd.rbd_metadata_remove(ensureOpen(), key);
        if (rc != -Errno.ENOENT.code()) {
            NativeCheck.checkNegErrno(rc, "rbd_metadata_remove", "image", name, "key", key);
        }
    }

    /**
     * The client options in effect for this image, after image- and pool-level overrides
     * ({@code rbd config image set}), which can differ from the connection's.
     */
    public Map<String, String> effectiveConfig() throws NativeIoException {
        int max = 1024;
        while (true) {
            Memory options = new Memory((long) CONFIG_OPTION_BYTES * max);
            IntByReference count = new IntByReference(max);
            int rc = LibRbd.rbd_config_image_list(ensureOpen(), options, count);
            if (rc == -Errno.ERANGE.code() && count.getValue() > max) {
                max = count.getValue();
                continue;
            }
            NativeCheck.checkNegErrno(rc, "rbd_config_image_list", "image", name);
            Map<String, String> result = new LinkedHashMap<>();
            for (int i = 0; i < count.getValue(); i++) {
                long at = (long) i * CONFIG_OPTION_BYTES;
                result.put(options.getPointer(at).getString(0), options.getPointer(at + 8).getString(0));
            }
            LibRbd.rbd_config_image_list_cleanup(options, count.getValue());
            return result;
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > sizeBytes - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is outside image " + name
                    + " of " + sizeBytes + " bytes");
        }
    }

    private String context(long offset, long length) {
        return "image=" + name + ",offset=" + offset + ",length=" + length;
    }

    private Pointer ensureOpen() {
        Pointer current = handle.get();
        if (current == null) {
            throw new IllegalStateException("RbdImage closed: " + name);
        }
        return current;
    }

    /** Closes the image once; librbd waits for writes in flight and their callbacks first. */
    @Override
    public void close() throws NativeIoException {
        Pointer current = handle.getAndSet(null);
        if (current != null) {
            NativeCheck.checkNegErrno(LibRbd.rbd_close(current), "rbd_close", "image", name);
        }
    }
}

package dev.restoreagent.nativeb.rbd.raw;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.ByteBuffer;

/**
 * librbd ({@code librbd.so.1}, Ceph 16 / librbd 1.16), direct-mapped: C symbol names, raw
 * {@code -errno} results, {@code size_t}/{@code uint64_t} as {@code long}. Data buffers are
 * {@link ByteBuffer}s, which JNA passes as address plus position when they are direct; the
 * wrapper refuses heap buffers, which JNA would copy to memory it frees on return.
 * {@code dev.restoreagent.nativeb.rbd} checks every result.
 */
public final class LibRbd {
    static {
        Native.register(NativeLibrary.getInstance("librbd.so.1"));
    }

    private LibRbd() {
    }

    /** {@code rbd_callback_t}: {@code void (*)(rbd_completion_t cb, void *arg)}. */
    public interface CompletionCallback extends Callback {
        void invoke(Pointer completion, Pointer arg);
    }

    /**
     * The {@code cb} of {@code rbd_diff_iterate2}: {@code int (*)(uint64_t off, size_t len, int exists, void *arg)},
     * called for each allocated extent; a negative result stops the iteration, which then returns it.
     */
    public interface DiffCallback extends Callback {
        int invoke(long offset, long length, int exists, Pointer arg);
    }

    public static final int RBD_LOCK_MODE_EXCLUSIVE = 0;
    public static final int RBD_IMAGE_OPTION_ORDER = 2;
    public static final int RBD_IMAGE_OPTION_FEATURES = 1;
    public static final int RBD_IMAGE_OPTION_DATA_POOL = 10;
    /** LIBRADOS_OP_FLAG_FADVISE_SEQUENTIAL: restores write each range once, in order. */
    public static final int FADVISE_SEQUENTIAL = 0x8;
    /** LIBRADOS_OP_FLAG_FADVISE_NOCACHE: the OSD need not cache what a restore writes. */
    public static final int FADVISE_NOCACHE = 0x40;
    /** {@code RBD_FEATURE_FAST_DIFF} ({@code rbd/features.h}). */
    public static final long RBD_FEATURE_FAST_DIFF = 1L << 4;
    /** {@code RBD_FLAG_OBJECT_MAP_INVALID}, of {@code rbd_get_flags}. */
    public static final long RBD_FLAG_OBJECT_MAP_INVALID = 1L;
    /** {@code RBD_FLAG_FAST_DIFF_INVALID}, of {@code rbd_get_flags}. */
    public static final long RBD_FLAG_FAST_DIFF_INVALID = 1L << 1;

    public static native void rbd_version(IntByReference major, IntByReference minor, IntByReference extra);

    public static native int rbd_create4(Pointer ioctx, String name, long size, Pointer options);

    public static native void rbd_image_options_create(PointerByReference options);

    public static native void rbd_image_options_destroy(Pointer options);

    public static native int rbd_image_options_set_uint64(Pointer options, int option, long value);

    public static native int rbd_image_options_set_string(Pointer options, int option, String value);

    public static native int rbd_get_features(Pointer image, LongByReference features);

    public static native long rbd_get_data_pool_id(Pointer image);

    public static native int rbd_remove(Pointer ioctx, String name);

    public static native int rbd_open(Pointer ioctx, String name, PointerByReference image, String snapName);

    /** {@code snapName} null opens the head, read-only. */
    public static native int rbd_open_read_only(Pointer ioctx, String name, PointerByReference image,
                                                String snapName);

    public static native int rbd_close(Pointer image);

    /** {@code images}: an array of {@code rbd_image_spec_t} ({@code char *id; char *name;}, 16 bytes). */
    public static native int rbd_list2(Pointer ioctx, Pointer images, LongByReference maxImages);

    public static native void rbd_image_spec_list_cleanup(Pointer images, long count);

    /** {@code snaps}: an array of {@code rbd_snap_info_t} ({@code uint64_t id, size; const char *name;}, 24 bytes). */
    public static native int rbd_snap_list(Pointer image, Pointer snaps, IntByReference maxSnaps);

    public static native void rbd_snap_list_end(Pointer snaps);

    public static native int rbd_snap_create(Pointer image, String snapName);

    public static native int rbd_snap_remove(Pointer image, String snapName);

    public static native int rbd_get_flags(Pointer image, LongByReference flags);

    /** {@code include_parent} and {@code whole_object} are {@code uint8_t}: 0 or 1. */
    public static native int rbd_diff_iterate2(Pointer image, String fromSnapName, long offset, long length,
                                               byte includeParent, byte wholeObject, DiffCallback callback,
                                               Pointer arg);

    public static native int rbd_get_size(Pointer image, LongByReference size);

    public static native int rbd_stat(Pointer image, Pointer info, long infoSize);

    public static native int rbd_aio_create_completion(Pointer arg, CompletionCallback callback,
                                                       PointerByReference completion);

    public static native long rbd_aio_get_return_value(Pointer completion);

    public static native void rbd_aio_release(Pointer completion);

    public static native int rbd_aio_write2(Pointer image, long offset, long length, ByteBuffer buffer,
                                            Pointer completion, int opFlags);

    public static native int rbd_aio_read2(Pointer image, long offset, long length, ByteBuffer buffer,
                                           Pointer completion, int opFlags);

    public static native int rbd_aio_write_zeroes(Pointer image, long offset, long length, Pointer completion,
                                                  int zeroFlags, int opFlags);

    public static native int rbd_aio_discard(Pointer image, long offset, long length, Pointer completion);

    public static native int rbd_flush(Pointer image);

    public static native long rbd_write(Pointer image, long offset, long length, ByteBuffer buffer);

    public static native long rbd_read(Pointer image, long offset, long length, ByteBuffer buffer);

    public static native int rbd_lock_acquire(Pointer image, int lockMode);

    public static native int rbd_lock_break(Pointer image, int lockMode, String owner);

    public static native int rbd_is_exclusive_lock_owner(Pointer image, IntByReference isOwner);

    public static native int rbd_lock_get_owners(Pointer image, IntByReference lockMode, Pointer owners,
                                                 LongByReference maxOwners);

    public static native void rbd_lock_get_owners_cleanup(Pointer owners, long count);

    public static native int rbd_watchers_list(Pointer image, Pointer watchers, LongByReference maxWatchers);

    public static native void rbd_watchers_list_cleanup(Pointer watchers, long count);

    public static native int rbd_metadata_get(Pointer image, String key, byte[] value, LongByReference valueLength);

    public static native int rbd_metadata_set(Pointer image, String key, String value);

    public static native int rbd_metadata_remove(Pointer image, String key);

    public static native int rbd_config_image_list(Pointer image, Pointer options, IntByReference maxOptions);

    public static native void rbd_config_image_list_cleanup(Pointer options, int count);
}

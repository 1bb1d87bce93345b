package dev.restoreagent.stores;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

/** One object store's GET of an object from a byte on, which {@link ResumingChannel} repeats after a cut. */
@FunctionalInterface
public interface RangedGet {
    /**
     * @param fromByte the first byte wanted (0: the whole object)
     * @param ifMatch the ETag the object had at the first GET, or null on the first: a resumed read
     *     must be of the same object, not of one that was replaced meanwhile
     * @throws NoSuchObjectException a 404
     * @throws ObjectStoreException a refusal that repeating cannot help (403, 412, bad request)
     * @throws IOException a failure that repeating may help (reset, timeout, 5xx)
     */
    Body get(long fromByte, String ifMatch) throws IOException;

    /**
     * The response of one GET.
     *
     * @param channel its body, read straight into the caller's buffer ({@link StreamBody},
     *     {@link SubscribedBody}); closed (or aborted) by the caller. A read that fails may have put
     *     bytes into the buffer past its position: they do not count
     * @param objectBytes the whole object's length (from Content-Range or Content-Length), or -1
     * @param etag the object's ETag without quotes, or null
     * @param abort drops the connection instead of reading the body to its end; may be null
     */
    record Body(ReadableByteChannel channel, long objectBytes, String etag, Runnable abort) {
    }
}

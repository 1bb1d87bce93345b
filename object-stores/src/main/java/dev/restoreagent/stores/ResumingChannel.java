package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.NoSuchObjectException;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.StoredDigest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One object's bytes from an object store as a channel: a streaming GET, and where the connection
 * breaks or times out in the middle, a GET of the rest from the next byte (of the same ETag), a
 * bounded number of times with growing pauses (the first GET is tried again so too). The reader
 * above (a decoder, its digest) never sees the cut. At the end, an ETag that is an MD5 is checked against the bytes that came, unless the
 * object's opener checks them otherwise.
 *
 * <p>Each GET's body reads into the caller's buffer, which may be direct, as straight as its
 * client allows ({@link RangedGet.Body#channel}).
 */
public final class ResumingChannel implements ReadableByteChannel {
    /** Resumed GETs one object may take before its read fails. */
    public static final int MAX_RESUMES = 5;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");

    private final String name;
    private final RangedGet get;
    /** The MD5 of the bytes so far, or null when the ETag is not checked. */
    private final MessageDigest md5;
    private final long objectBytes;
    private final String etag;
    private final Duration firstPause;
    private RangedGet.Body body;
    private long position;
    private int resumes;
    private boolean open = true;
    private boolean ended;

    private ResumingChannel(String name, RangedGet get, RangedGet.Body first, boolean checkEtag, Duration firstPause) {
        this.firstPause = firstPause;
        this.name = name;
        this.get = get;
        this.body = first;
        this.objectBytes = first.objectBytes();
        this.etag = first.etag();
        this.md5 = checkEtag && etag != null && MD5_HEX.matcher(etag).matches() ? newMd5() : null;
    }

    /**
     * Makes the first GET; one that fails as a cut does (no connection, a reset) is made again after the same
     * growing pauses as a resume, as many times, so that a gateway's restart does not fail the restore.
     *
     * @param name how messages name the object: {@code s3://bucket/key}
     * @param checkEtag whether an ETag that is an MD5 is checked against the bytes: false where the
     *     store's ETags are not the MD5 of the stored bytes (S3 with SSE-C), or where the opener
     *     checks the decoded bytes instead ({@link StoredDigest#SKIP})
     */
    public static ResumingChannel open(String name, RangedGet get, boolean checkEtag) throws IOException {
        return open(name, get, checkEtag, FIRST_PAUSE);
    }

    /** As {@link #open(String, RangedGet, boolean)}, pausing {@code firstPause}, twice that, ... between resumes. */
    static ResumingChannel open(String name, RangedGet get, boolean checkEtag, Duration firstPause) throws IOException {
        // a first GET that fails as a cut does (a gateway restarting refuses connections for a second or two) is
        // tried again as a resume is, as often; a refusal (no such object, a 4xx) is final at once
        for (int retries = 0; ; retries++) {
            try {
                return new ResumingChannel(name, get, get.get(0, null), checkEtag, firstPause);
            } catch (NoSuchObjectException | ObjectStoreException | InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (retries >= MAX_RESUMES) {
                    throw e;
                }
                pause(firstPause.multipliedBy(1L << retries), name + ": interrupted while waiting to GET it again");
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (ended) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        while (true) {
            IOException cut;
            int start = dst.position();
            try {
                int n = body.channel().read(dst);
                if (n >= 0) {
                    return delivered(dst, start, n);
                }
                if (objectBytes < 0 || position >= objectBytes) {
                    end();
                    return -1;
                }
                cut = new EOFException("the response ended at byte " + position + " of " + objectBytes);
            } catch (NoSuchObjectException | ObjectStoreException e) {
                throw e;
            } catch (IOException e) {
                // what the failed read put past start is dropped: the resumed GET brings it again
                dst.position(start);
                cut = e;
            }
            resume(cut);
        }
    }

    /** Counts the {@code n} bytes the body put into {@code dst} from {@code start}. */
    private int delivered(ByteBuffer dst, int start, int n) throws ObjectStoreException {
        if (objectBytes >= 0 && position + n > objectBytes) {
            throw new ObjectStoreException(name + ": more bytes came than the object's " + objectBytes);
        }
        if (md5 != null) {
            md5.update(dst.slice(start, n));
        }
        position += n;
        return n;
    }

    private void end() throws ObjectStoreException {
        ended = true;
        if (md5 != null) {
            String actual = HexFormat.of().formatHex(md5.digest());
            if (!actual.equals(etag)) {
                throw new ObjectStoreException(name + ": the " + position + " stored bytes have md5 " + actual
                        + ", but the store's ETag is " + etag);
            }
        }
    }

    /** Replaces the broken body with a GET from {@link #position}, or fails once the resumes are spent. */
    private void resume(IOException cause) throws IOException {
        closeBody(true);
        while (true) {
            if (resumes >= MAX_RESUMES) {
                throw new IOException(name + ": reading failed at byte " + position + " after " + resumes
                        + " resumed GETs: " + cause.getMessage(), cause);
            }
            resumes++;
            pause(firstPause.multipliedBy(1L << (resumes - 1)), name + ": interrupted while waiting to resume at byte "
                    + position);
            try {
                body = get.get(position, etag);
                return;
            } catch (NoSuchObjectException | ObjectStoreException e) {
                throw e;
            } catch (IOException e) {
                cause = e;
            }
        }
    }

    private static void pause(Duration pause, String interrupted) throws InterruptedIOException {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(interrupted);
        }
    }

    /** Resumed GETs so far. */
    public int resumes() {
        return resumes;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            // a body not read to its end would be drained to keep the connection: drop it instead
            closeBody(!ended);
        }
    }

    private void closeBody(boolean abort) {
        RangedGet.Body current = body;
        body = null;
        if (current == null) {
            return;
        }
        if (abort && current.abort() != null) {
            current.abort().run();
        }
        try (ReadableByteChannel ignored = current.channel()) {
            // closed
        } catch (IOException e) {
            // the connection is given up either way
        }
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }
}

package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.ObjectStoreException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResumingChannelTest {
    private static final Duration PAUSE = Duration.ofMillis(1);
    private final byte[] object = new byte[300_000];
    private final String md5;
    /** The ranges asked for, as "from/ifMatch". */
    private final List<String> gets = new ArrayList<>();

    ResumingChannelTest() throws Exception {
        new Random(7).nextBytes(object);
        md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(object));
    }

    /** A store whose responses break after {@code cuts[i]} bytes of the i-th GET (-1: no break). */
    private RangedGet store(String etag, long... cuts) {
        return (from, ifMatch) -> {
            int i = gets.size();
            gets.add(from + "/" + ifMatch);
            long cut = i < cuts.length ? cuts[i] : -1;
            byte[] rest = Arrays.copyOfRange(object, (int) from, object.length);
            InputStream body = cut < 0 ? new ByteArrayInputStream(rest) : breaking(rest, (int) cut);
            return new RangedGet.Body(new StreamBody(body), object.length, etag, null);
        };
    }

    private static InputStream breaking(byte[] bytes, int after) {
        return new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= after) {
                    throw new SocketException("Connection reset");
                }
                int n = Math.min(len, after - position);
                System.arraycopy(bytes, position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    private static byte[] readAll(ResumingChannel channel) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(400_000);
        ByteBuffer step = ByteBuffer.allocateDirect(10_000);
        while (channel.read(step) >= 0) {
            step.flip();
            all.put(step);
            step.clear();
        }
        return Arrays.copyOf(all.array(), all.position());
    }

    @Test
    void aCutMidObjectIsResumedFromTheNextByteOfTheSameEtag() throws IOException {
        try (ResumingChannel channel = ResumingChannel.open("s3://b/k", store(md5, 100_000, 50_001), true, PAUSE)) {
            assertThat(readAll(channel)).isEqualTo(object);
            assertThat(channel.resumes()).isEqualTo(2);
        }
        assertThat(gets).containsExactly("0/null", "100000/" + md5, "150001/" + md5);
    }

    @Test
    void aResponseThatEndsEarlyIsResumedToo() throws IOException {
        RangedGet shortFirst = (from, ifMatch) -> {
            gets.add(from + "/" + ifMatch);
            int end = from == 0 ? 1234 : object.length;
            return new RangedGet.Body(new StreamBody(new ByteArrayInputStream(Arrays.copyOfRange(object, (int) from,
                    end))), object.length, md5, null);
        };
        try (ResumingChannel channel = ResumingChannel.open("s3://b/k", shortFirst, true, PAUSE)) {
            assertThat(readAll(channel)).isEqualTo(object);
        }
        assertThat(gets).containsExactly("0/null", "1234/" + md5);
    }

    @Test
    void theResumesAreBoundedAndTheErrorNamesObjectAndByte() {
        long[] cuts = new long[ResumingChannel.MAX_RESUMES + 1];
        Arrays.fill(cuts, 0);
        cuts[0] = 777;
        assertThatThrownBy(() -> {
            try (ResumingChannel channel = ResumingChannel.open("swift://c/o", store(md5, cuts), true, PAUSE)) {
                readAll(channel);
            }
        }).isInstanceOf(IOException.class)
                .hasMessage("swift://c/o: reading failed at byte 777 after " + ResumingChannel.MAX_RESUMES
                        + " resumed GETs: Connection reset");
    }

    @Test
    void bytesThatDoNotMatchAnMd5EtagAreRefusedAtTheEnd() {
        String wrong = "0123456789abcdef0123456789abcdef";
        assertThatThrownBy(() -> {
            try (ResumingChannel channel = ResumingChannel.open("s3://b/k", store(wrong), true, PAUSE)) {
                readAll(channel);
            }
        }).isInstanceOf(ObjectStoreException.class)
                .hasMessage("s3://b/k: the 300000 stored bytes have md5 " + md5 + ", but the store's ETag is " + wrong);
    }

    @Test
    void anEtagThatIsNoMd5IsNotChecked() throws IOException {
        // S3 with SSE-C, multipart uploads: the ETag is something else
        try (ResumingChannel channel = ResumingChannel.open("s3://b/k", store("abc-3"), true, PAUSE)) {
            assertThat(readAll(channel)).isEqualTo(object);
        }
    }

    @Test
    void anEtagNotToBeCheckedIsNot() throws IOException {
        // the opener checks the decoded bytes against the sha256file: what came goes up as it is
        String wrong = "0123456789abcdef0123456789abcdef";
        try (ResumingChannel channel = ResumingChannel.open("s3://b/k", store(wrong, 100_000), false, PAUSE)) {
            assertThat(readAll(channel)).isEqualTo(object);
            assertThat(channel.resumes()).isEqualTo(1);
        }
        assertThat(gets).containsExactly("0/null", "100000/" + wrong);
    }

    @Test
    void whatAFailedReadPutIsReadAgainFromTheResumedGet() throws IOException {
        // a body that puts bytes into the buffer, then fails: they do not count
        RangedGet failingMidRead = (from, ifMatch) -> {
            gets.add(from + "/" + ifMatch);
            if (from > 0) {
                return new RangedGet.Body(new StreamBody(new ByteArrayInputStream(object, (int) from,
                        object.length - (int) from)), object.length, md5, null);
            }
            return new RangedGet.Body(new ReadableByteChannel() {
                private int reads;

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    dst.put(Arrays.copyOfRange(object, reads * 1000, reads * 1000 + 1000));
                    if (++reads == 3) {
                        dst.put((byte) 0xff);
                        throw new SocketException("Connection reset");
                    }
                    return 1000;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            }, object.length, md5, null);
        };
        try (ResumingChannel channel = ResumingChannel.open("swift://c/o", failingMidRead, true, PAUSE)) {
            assertThat(readAll(channel)).isEqualTo(object);
        }
        assertThat(gets).containsExactly("0/null", "2000/" + md5);
    }

    @Test
    void aFirstGetWithoutAConnectionIsMadeAgainAsTheGatewayComesBack() throws IOException {
        RangedGet restarting = (from, ifMatch) -> {
            gets.add(from + "/" + ifMatch);
            if (gets.size() <= 3) {
                throw new ConnectException("Connection refused");
            }
            return new RangedGet.Body(new StreamBody(new ByteArrayInputStream(object)), object.length, md5, null);
        };
        try (ResumingChannel channel = ResumingChannel.open("s3://b/k", restarting, true, PAUSE)) {
            assertThat(readAll(channel)).isEqualTo(object);
        }
        assertThat(gets).containsExactly("0/null", "0/null", "0/null", "0/null");
    }

    @Test
    void aFirstGetThatNeverConnectsFailsAfterAsManyTriesAsResumes() {
        RangedGet down = (from, ifMatch) -> {
            gets.add(from + "/" + ifMatch);
            throw new ConnectException("Connection refused");
        };
        assertThatThrownBy(() -> ResumingChannel.open("s3://b/k", down, true, PAUSE))
                .isInstanceOf(ConnectException.class).hasMessage("Connection refused");
        assertThat(gets).hasSize(1 + ResumingChannel.MAX_RESUMES);
    }

    @Test
    void aFirstGetRefusedIsNotRepeated() {
        RangedGet missing = (from, ifMatch) -> {
            gets.add(from + "/" + ifMatch);
            throw new ObjectStoreException("cannot read s3://b/k: HTTP 403");
        };
        assertThatThrownBy(() -> ResumingChannel.open("s3://b/k", missing, true, PAUSE))
                .isInstanceOf(ObjectStoreException.class);
        assertThat(gets).hasSize(1);
    }

    @Test
    void aRefusalIsNotRepeated() {
        RangedGet refusing = (from, ifMatch) -> {
            gets.add(from + "/" + ifMatch);
            if (from > 0) {
                throw new ObjectStoreException("cannot read s3://b/k from byte " + from + ": HTTP 412");
            }
            return new RangedGet.Body(new StreamBody(breaking(object, 10)), object.length, md5, null);
        };
        assertThatThrownBy(() -> {
            try (ResumingChannel channel = ResumingChannel.open("s3://b/k", refusing, true, PAUSE)) {
                readAll(channel);
            }
        }).isInstanceOf(ObjectStoreException.class).hasMessage("cannot read s3://b/k from byte 10: HTTP 412");
        assertThat(gets).hasSize(2);
    }

    @Test
    void closingBeforeTheEndAbortsTheBody() throws IOException {
        boolean[] aborted = new boolean[1];
        RangedGet get = (from, ifMatch) -> new RangedGet.Body(new StreamBody(new ByteArrayInputStream(object)),
                object.length, md5, () -> aborted[0] = true);
        try (ResumingChannel channel = ResumingChannel.open("s3://b/k", get, true, PAUSE)) {
            channel.read(ByteBuffer.allocate(100));
        }
        assertThat(aborted[0]).isTrue();
    }
}

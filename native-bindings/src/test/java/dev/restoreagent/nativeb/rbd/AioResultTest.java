package dev.restoreagent.nativeb.rbd;

import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.NativeTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a completion's result means, and how extents are merged: no cluster needed. */
class AioResultTest {
    private static final String CONTEXT = "image=rbd/vm-1@s1,offset=4096,length=8192";

    @Test
    void aReadSucceedsOnlyWithEveryByte() {
        assertThat(AioCompletions.failure("rbd_aio_read2", CONTEXT, 8192, 8192)).isNull();
        assertThat(AioCompletions.failure("rbd_aio_read2", CONTEXT, 0, 0)).isNull();
    }

    @Test
    void aShortReadSaysSoWithTheCount() {
        NativeIoException failure = AioCompletions.failure("rbd_aio_read2", CONTEXT, 8192, 10);
        assertThat(failure).isInstanceOfSatisfying(ShortReadException.class, e -> {
            assertThat(e.readBytes()).isEqualTo(10);
            assertThat(e.requestedBytes()).isEqualTo(8192);
            assertThat(e.errno()).isEqualTo(5);
            assertThat(e.call()).isEqualTo("rbd_aio_read2");
        });
        assertThat(failure).hasMessage("rbd_aio_read2 read 10 of 8192 bytes: the image ends inside the range"
                + " (image=rbd/vm-1@s1,offset=4096,length=8192)");
        assertThat(AioCompletions.failure("rbd_aio_read2", CONTEXT, 8192, 0)).isInstanceOf(ShortReadException.class);
    }

    @Test
    void aFailedReadIsItsErrnoAndATimeoutIsClassified() {
        assertThat(AioCompletions.failure("rbd_aio_read2", CONTEXT, 8192, -22))
                .isNotInstanceOf(ShortReadException.class)
                .hasMessage("rbd_aio_read2 failed: EINVAL (errno=22) (" + CONTEXT + ")");
        assertThat(AioCompletions.failure("rbd_aio_read2", CONTEXT, 8192, -110))
                .isInstanceOf(NativeTimeoutException.class);
    }

    @Test
    void writesCompleteWithZero() {
        assertThat(AioCompletions.failure("rbd_aio_write2", CONTEXT, AioCompletions.NOT_A_READ, 0)).isNull();
        assertThat(AioCompletions.failure("rbd_aio_write2", CONTEXT, AioCompletions.NOT_A_READ, -5))
                .hasMessage("rbd_aio_write2 failed: EIO (errno=5) (" + CONTEXT + ")");
    }

    @Test
    void extentsAreSortedAndTouchingOnesOfOneKindMerged() {
        DiffIterations.Collector collector = new DiffIterations.Collector();
        collector.add(8192, 4096, true);
        collector.add(0, 4096, true);
        collector.add(4096, 4096, true); // touches both: one range 0..12288
        collector.add(20_000, 0, true); // empty: dropped
        collector.add(12288, 100, false); // touches, but deleted rather than data: kept apart
        collector.add(1 << 20, 10, true);
        collector.add((1 << 20) + 5, 10, true); // overlaps
        assertThat(collector.merged()).containsExactly(
                new Extent(0, 12288, true),
                new Extent(12288, 100, false),
                new Extent(1 << 20, 15, true));
    }
}

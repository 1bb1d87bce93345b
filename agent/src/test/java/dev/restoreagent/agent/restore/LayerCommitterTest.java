package dev.restoreagent.agent.restore;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.NullTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerCommitterTest {
    private static final int BYTES = 4096;

    private static DirectBuffer filled(DirectBufferPool pool) throws InterruptedException {
        DirectBuffer buffer = pool.take();
        while (buffer.nio().hasRemaining()) {
            buffer.nio().put((byte) 7);
        }
        buffer.nio().flip();
        return buffer;
    }

    @Test
    void laterObjectsWriteAtOnceButTheHeadCountsOnlyObjectsFinishedFromTheStart() throws Exception {
        NullTarget target = new NullTarget(1 << 20, false);
        WritePipeline pipeline = new WritePipeline(target);
        try (DirectBufferPool pool = new DirectBufferPool("test", BYTES, 4)) {
            LayerCommitter committer = new LayerCommitter(pipeline, 3, false);

            // object 2 before objects 0 and 1: nothing waits for them
            committer.accept(2L * BYTES, filled(pool));
            committer.finished(2);
            pipeline.drain();
            assertThat(target.bytesWritten()).isEqualTo(BYTES);
            assertThat(committer.committed()[0]).isZero();

            committer.accept(0, filled(pool));
            committer.finished(0);
            assertThat(committer.committed()[0]).isEqualTo(1);
            committer.accept(BYTES, filled(pool));
            committer.finished(1);
            pipeline.drain();
            long[] committed = committer.committed();
            assertThat(committed[0]).isEqualTo(3);
            assertThat(pipeline.completedThrough(committed[1])).isTrue();
            assertThat(target.bytesWritten()).isEqualTo(3L * BYTES);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void afterAFailureNothingMoreIsWrittenAndRefusedBuffersGoBack() throws Exception {
        NullTarget target = new NullTarget(1 << 20, false);
        WritePipeline pipeline = new WritePipeline(target);
        try (DirectBufferPool pool = new DirectBufferPool("test", BYTES, 4)) {
            LayerCommitter committer = new LayerCommitter(pipeline, 2, false);
            committer.accept(BYTES, filled(pool));

            committer.fail();

            DirectBuffer late = filled(pool);
            assertThatThrownBy(() -> committer.accept(0, late)).isInstanceOf(RestoreFailure.class)
                    .hasMessage("layer stopped after an earlier failure");
            pipeline.drain();
            assertThat(target.bytesWritten()).isEqualTo(BYTES);
            assertThat(pool.outstanding()).isZero();
            assertThat(committer.committed()[0]).isZero();
        }
    }
}

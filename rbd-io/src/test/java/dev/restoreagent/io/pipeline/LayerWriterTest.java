package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.targets.NullTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerWriterTest {
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
            LayerWriter writer = pipeline.layer(3, false);

            // object 2 before objects 0 and 1: nothing waits for them
            writer.accept(2L * BYTES, filled(pool));
            writer.objectFinished(2);
            pipeline.drain();
            assertThat(target.bytesWritten()).isEqualTo(BYTES);
            assertThat(writer.committed().objects()).isZero();

            writer.accept(0, filled(pool));
            writer.objectFinished(0);
            assertThat(writer.committed().objects()).isEqualTo(1);
            writer.accept(BYTES, filled(pool));
            writer.objectFinished(1);
            pipeline.drain();
            LayerWriter.Committed committed = writer.committed();
            assertThat(committed.objects()).isEqualTo(3);
            assertThat(pipeline.completedThrough(committed.mark())).isTrue();
            assertThat(target.bytesWritten()).isEqualTo(3L * BYTES);
            assertThat(writer.endBytes()).isEqualTo(3L * BYTES);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void afterAFailureNothingMoreIsWrittenAndRefusedBuffersGoBack() throws Exception {
        NullTarget target = new NullTarget(1 << 20, false);
        WritePipeline pipeline = new WritePipeline(target);
        try (DirectBufferPool pool = new DirectBufferPool("test", BYTES, 4)) {
            LayerWriter writer = pipeline.layer(2, false);
            writer.accept(BYTES, filled(pool));

            writer.fail();

            DirectBuffer late = filled(pool);
            assertThatThrownBy(() -> writer.accept(0, late)).isInstanceOf(LayerStoppedException.class)
                    .hasMessage("layer stopped after an earlier failure; nothing more is written to null");
            pipeline.drain();
            assertThat(target.bytesWritten()).isEqualTo(BYTES);
            assertThat(pool.outstanding()).isZero();
            assertThat(writer.committed().objects()).isZero();
            assertThat(writer.endBytes()).as("a refused buffer does not move the end").isEqualTo(2L * BYTES);
        }
    }

    @Test
    void aBufferPastTheEndOfTheTargetIsRefusedAndGoesBack() throws Exception {
        NullTarget target = new NullTarget(BYTES, false);
        WritePipeline pipeline = new WritePipeline(target);
        try (DirectBufferPool pool = new DirectBufferPool("test", BYTES, 1)) {
            LayerWriter writer = pipeline.layer(1, false);
            assertThatThrownBy(() -> writer.accept(1, filled(pool)))
                    .hasMessage("write of 4096 bytes at offset 1 would pass the end of target null (4096 bytes)");
            assertThat(pool.outstanding()).isZero();
            assertThat(writer.endBytes()).isZero();
        }
    }

    @Test
    void knownZerosAreTakenWithoutABufferOnlyWhereTheLayerSkipsZeros() throws Exception {
        NullTarget target = new NullTarget(1 << 30, true);
        WritePipeline pipeline = new WritePipeline(target);
        LayerWriter skipping = pipeline.layer(1, true);
        assertThat(skipping.skipZeros(64L << 20, 32L << 20)).isTrue();
        assertThat(pipeline.bytesSkipped()).isEqualTo(32L << 20);
        assertThat(skipping.endBytes()).isEqualTo(96L << 20);
        assertThatThrownBy(() -> skipping.skipZeros((1L << 30) - 4096, 8192))
                .isInstanceOf(dev.restoreagent.io.targets.TargetException.class);

        LayerWriter writing = pipeline.layer(1, false);
        assertThat(writing.skipZeros(0, 4096)).isFalse();
        assertThat(pipeline.bytesSkipped()).isEqualTo(32L << 20);

        skipping.fail();
        assertThatThrownBy(() -> skipping.skipZeros(0, 4096)).isInstanceOf(LayerStoppedException.class);
    }
}

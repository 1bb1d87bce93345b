package dev.restoreagent.agent.restore;

import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.nativeb.isal.raw.LibIsal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the budget takes for a decoder covers what the decoder allocates. */
class WorkingSetTest {
    @Test
    void aZlibDecoderIsBudgetedForIsalsState() {
        // ISA-L's inflate_state is native memory outside the pools: the budget must count it
        assertThat(WorkingSet.decoderBytes(Codec.ZLIB, 23)).isGreaterThanOrEqualTo(LibIsal.INFLATE_STATE_BYTES);
    }

    @Test
    void aReadBoundSourceGetsReadersByItsBuffersNotItsCores() {
        RestoreSettings settings = RestoreSettings.defaults();
        java.util.Set<Codec> stored = java.util.Set.of(Codec.NONE);
        WorkingSet readBound = WorkingSet.plan(settings, stored, 100, 256L << 20, 2, 0, true);
        WorkingSet checked = WorkingSet.plan(settings, stored, 100, 256L << 20, 2, 0, false);

        assertThat(checked.decoders()).isEqualTo(2);
        assertThat(readBound.decoders()).isEqualTo(Math.min(WorkingSet.READ_BOUND_READERS, settings.queueDepth()))
                .isGreaterThan(2);
        // the same buffers, shared among more readers
        assertThat(readBound.queueDepth()).isEqualTo(checked.queueDepth());
        assertThat(readBound.totalBytes() - checked.totalBytes())
                .isEqualTo((readBound.decoders() - 2L) * WorkingSet.INPUT_BUFFER_BYTES);
        // an image stream is one object: one reader
        assertThat(WorkingSet.plan(settings, stored, 1, 256L << 20, 2, 0, true).decoders()).isOne();
    }
}

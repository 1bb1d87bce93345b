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
}

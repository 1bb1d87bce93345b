package dev.restoreagent.agent.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.fuzz.Bounds;
import dev.restoreagent.nativeb.bzip2.Bz2Decompressor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Cinder object tagged bz2 through both its decoders: libbz2 behind {@link Bzip2NativeDecoder}, what
 * Cinder's own restore decompresses with (Python's bz2), and the fallback, commons-compress behind
 * {@link StreamDecoder}. Besides what {@link Decoding} checks of each: what libbz2 decodes, the fallback
 * decodes to the same bytes. Seeds: bz2 objects of backups made by Cinder's posix driver.
 */
class Bzip2FuzzTest {
    private static final Bounds BOUNDS = new Bounds("bzip2");
    private static final Decoding DECODING = new Decoding();

    @BeforeAll
    static void libbz2IsHere() {
        // without it this target would fuzz the fallback twice and call it covered
        assertThat(Bz2Decompressor.unavailableReason()).isNull();
    }

    @FuzzTest
    void bzip2(byte[] input) throws Exception {
        BOUNDS.run(Decoding.HEAP_BYTES, () -> DECODING.agree("libbz2", Bzip2NativeDecoder::new, "commons-compress",
                () -> new StreamDecoder(Codec.BZIP2), Codec.BZIP2, input));
    }

    @AfterAll
    static void close() {
        DECODING.close();
        BOUNDS.close();
    }
}

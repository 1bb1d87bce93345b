package dev.restoreagent.agent.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.fuzz.Bounds;
import dev.restoreagent.nativeb.isal.IsalInflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Cinder object tagged zlib (or gzip: a zlib stream too) through both its decoders: ISA-L's inflate
 * behind {@link ZlibIsalDecoder}, and {@link ZlibDecoder}'s {@code java.util.zip.Inflater}, the fallback,
 * which is zlib, what Cinder's own restore decompresses with. Besides what {@link Decoding} checks of each:
 * what zlib decodes, ISA-L decodes to the same bytes. Seeds: zlib objects of backups made by Cinder's posix
 * driver.
 */
class ZlibFuzzTest {
    private static final Bounds BOUNDS = new Bounds("zlib");
    private static final Decoding DECODING = new Decoding();

    @BeforeAll
    static void isalIsHere() {
        // without it this target would fuzz the fallback twice and call it covered
        assertThat(IsalInflater.unavailableReason()).isNull();
    }

    @FuzzTest
    void zlib(byte[] input) throws Exception {
        BOUNDS.run(Decoding.HEAP_BYTES, () -> DECODING.agree("zlib", ZlibDecoder::new, "ISA-L", ZlibIsalDecoder::new,
                Codec.ZLIB, input));
    }

    @AfterAll
    static void close() {
        DECODING.close();
        BOUNDS.close();
    }
}

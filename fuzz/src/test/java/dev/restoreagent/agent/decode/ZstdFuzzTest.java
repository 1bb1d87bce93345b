package dev.restoreagent.agent.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.fuzz.Bounds;
import org.junit.jupiter.api.AfterAll;

/**
 * A Cinder object tagged zstd through {@link ZstdDecoder} (zstd-jni's streaming call), with the default
 * window limit: a frame that asks for a larger window is refused as bad input, so zstd's memory stays what
 * the working set reserved. What {@link Decoding} checks. Seeds: zstd objects of backups made by Cinder's
 * posix driver.
 */
class ZstdFuzzTest {
    private static final Bounds BOUNDS = new Bounds("zstd");
    private static final Decoding DECODING = new Decoding();

    @FuzzTest
    void zstd(byte[] input) throws Exception {
        BOUNDS.run(Decoding.HEAP_BYTES, () -> DECODING.decode(
                () -> new ZstdDecoder(RestoreSettings.DEFAULT_ZSTD_WINDOW_LOG_MAX), Codec.ZSTD, input));
    }

    @AfterAll
    static void close() {
        DECODING.close();
        BOUNDS.close();
    }
}

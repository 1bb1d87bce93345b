package dev.restoreagent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.decode.DecodeWorker;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.agent.source.image.ImageSource;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.io.memory.DirectBufferPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An image file ({@code restore --image FILE}, a request's {@code image}) restored into a target of
 * {@link #TARGET_BYTES}: its header read (the codec sniffer, a zstd frame header's content size), then the
 * stream decoded by a decode worker, whichever decoder the sniffer chose. An image has no recorded length,
 * so only the target's size stops a stream that inflates without end: a write past it is refused, as a
 * real target refuses it. Only the project's refusals end it: bad input, corrupt data, the full target.
 * What it restores of a raw image is the image. Seeds: an image raw and as zstd, gzip, bzip2 and zlib
 * (the tools' own output: two zstd frames in a row too), and a zlib object of Cinder's.
 */
class ImageStreamFuzzTest {
    private static final Bounds BOUNDS = new Bounds("image-stream");
    /** The target's size: a few times the seeds' images, so that a stream that inflates past it is one that misbehaves. */
    private static final long TARGET_BYTES = 1 << 20;
    private static final int INPUT_BYTES = 4093;
    private static final int OUTPUT_BYTES = 64 * 1024;
    /** Each written buffer is copied once into the target's record: a few copies of the target. */
    private static final long HEAP_BYTES = 128L << 20;

    @TempDir
    static Path dir;

    @FuzzTest
    void imageStream(byte[] input) throws Exception {
        Path image = Files.write(dir.resolve("image"), input);
        BOUNDS.run(HEAP_BYTES, () -> {
            RestoreSource source;
            try {
                source = ImageSource.of(image.toString(), null);
            } catch (RestoreFailure e) {
                assertThat(e.kind()).isEqualTo(FailureKind.BAD_INPUT);
                return;
            }
            SourceObject object = source.layers().get(0).objects().get(0);
            CheckedSink target = new CheckedSink(0, TARGET_BYTES, true);
            boolean restored = restore(object, target);
            byte[] written = target.written();
            if (restored && source.extentBytes() >= 0) {
                // a raw image: its own size, and its bytes
                assertThat(written).isEqualTo(input);
            }
        });
    }

    /** Whether the stream decoded whole into {@code target}; false when refused as the project refuses it. */
    private static boolean restore(SourceObject object, CheckedSink target) throws Exception {
        try (DirectBufferPool inputs = new DirectBufferPool("fuzz-in", INPUT_BYTES, 1);
             DirectBufferPool outputs = new DirectBufferPool("fuzz-out", OUTPUT_BYTES, 4)) {
            try (DecodeWorker worker = new DecodeWorker(inputs, outputs, RestoreSettings.DEFAULT_ZSTD_WINDOW_LOG_MAX)) {
                worker.decode(object, target);
                return true;
            } catch (RestoreFailure e) {
                assertThat(e.kind()).as(e.getMessage()).isIn(FailureKind.VERIFICATION, FailureKind.BAD_INPUT);
                return false;
            } catch (CheckedSink.TargetFullException e) {
                return false;
            } finally {
                assertThat(outputs.outstanding()).as("output buffers not back in their pool").isZero();
            }
        }
    }

    @AfterAll
    static void close() {
        BOUNDS.close();
    }
}

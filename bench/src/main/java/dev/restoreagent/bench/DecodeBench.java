package dev.restoreagent.bench;

import dev.restoreagent.agent.decode.DecodeWorker;
import dev.restoreagent.agent.decode.DecoderImplementations;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.testkit.ImageFormat;
import dev.restoreagent.testkit.ImageStreams;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Streaming decode of one disk-like object ({@code objectBytes}, 32 MiB by default) into pooled
 * direct buffers, per codec and buffer size, with md5 and length verification as in a restore.
 * zlib and bz2 go through their native libraries (ISA-L, libbz2); {@code zlib-java} and
 * {@code bz2-java} are the same through the pure-Java decoders a node without them runs.
 * Score: objects per second (times the object size for throughput).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DecodeBench {
    @Param({"zstd", "zlib", "zlib-java", "bz2", "bz2-java", "raw"})
    public String codec;

    @Param({"1048576", "4194304"})
    public int bufferBytes;

    @Param({"33554432"})
    public long objectBytes;

    private Path dir;
    private Path compressed;
    private String md5;
    private DirectBufferPool inputs;
    private DirectBufferPool outputs;
    private DecodeWorker worker;

    private String format;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        format = codec.replace("-java", "");
        if (codec.endsWith("-java")) {
            System.setProperty(DecoderImplementations.PROPERTY, "java");
        }
        dir = Files.createTempDirectory("decode-bench");
        Path raw = dir.resolve("object");
        Volumes.write(raw, objectBytes, 1, VolumeShape.DISK_LIKE);
        md5 = Md5.hex(raw);
        compressed = dir.resolve("object." + format);
        ImageStreams.write(raw, compressed, switch (format) {
            case "zstd" -> ImageFormat.ZSTD;
            case "zlib" -> ImageFormat.ZLIB;
            case "bz2" -> ImageFormat.BZ2;
            default -> ImageFormat.RAW;
        });
        inputs = new DirectBufferPool("bench/input", 256 * 1024, 1);
        outputs = new DirectBufferPool("bench/out", bufferBytes, 4);
        worker = new DecodeWorker(inputs, outputs, 23);
    }

    @Benchmark
    public long decode() throws Exception {
        long[] bytes = new long[1];
        Codec kind = switch (format) {
            case "zstd" -> Codec.ZSTD;
            case "zlib" -> Codec.ZLIB;
            case "bz2" -> Codec.BZIP2;
            default -> Codec.NONE;
        };
        SourceObject object = new SourceObject("object", "bench", 0, objectBytes, md5, null, kind,
                () -> FileChannel.open(compressed, StandardOpenOption.READ));
        worker.decode(object, (offset, buffer) -> {
            bytes[0] += buffer.nio().remaining();
            buffer.pool().release(buffer);
        });
        return bytes[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.clearProperty(DecoderImplementations.PROPERTY);
        worker.close();
        outputs.close();
        inputs.close();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}

package dev.restoreagent.bench;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.LayerWriter;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.NullTarget;
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

import java.util.concurrent.TimeUnit;

/**
 * The write pipeline into the null target: zero detection (64 KiB blocks) and submission of one
 * buffer, half data and half zeros, with a queue of {@code queueDepth} pooled buffers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class PipelineBench {
    @Param({"1048576", "4194304"})
    public int bufferBytes;

    @Param({"2", "8"})
    public int queueDepth;

    private DirectBufferPool pool;
    private WritePipeline pipeline;
    private LayerWriter writer;
    private long offset;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new DirectBufferPool("bench", bufferBytes, queueDepth);
        pipeline = new WritePipeline(new NullTarget(Long.MAX_VALUE, true));
        writer = pipeline.layer(1, true);
    }

    @Benchmark
    public long submit() throws Exception {
        DirectBuffer buffer = pool.take();
        for (int i = 0; i < bufferBytes / 2; i += 4096) {
            buffer.nio().put(i, (byte) 1);
        }
        buffer.nio().limit(bufferBytes);
        writer.accept(offset, buffer);
        offset += bufferBytes;
        return pipeline.bytesSkipped();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        pipeline.drain();
        pool.close();
    }
}

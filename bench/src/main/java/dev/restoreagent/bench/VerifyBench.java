package dev.restoreagent.bench;

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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** md5 of one pooled direct buffer, as every Cinder object is verified while it streams. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class VerifyBench {
    @Param({"1048576", "4194304"})
    public int bufferBytes;

    private ByteBuffer buffer;
    private MessageDigest md5;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        buffer = ByteBuffer.allocateDirect(bufferBytes);
        byte[] random = new byte[bufferBytes];
        new Random(1).nextBytes(random);
        buffer.put(random).flip();
        md5 = MessageDigest.getInstance("MD5");
    }

    @Benchmark
    public byte[] md5() {
        md5.update(buffer.duplicate());
        return md5.digest();
    }
}

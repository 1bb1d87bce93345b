package dev.restoreagent.bench;

import dev.restoreagent.nativeb.isal.IsalDataException;
import dev.restoreagent.nativeb.isal.IsalInflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * What one {@link IsalInflater#inflate} call costs beyond ISA-L's work: an empty input, so ISA-L
 * returns at once and the score is JNA's direct-mapped call plus the state's field writes and
 * reads. The decoder makes one such call per input buffer (256 KiB compressed), which takes
 * about a millisecond; this says what fraction of it the binding is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class IsalCallBench {
    private final ByteBuffer in = ByteBuffer.allocateDirect(16).flip();
    private final ByteBuffer out = ByteBuffer.allocateDirect(16);
    private IsalInflater inflater;

    @Setup(Level.Trial)
    public void setUp() {
        inflater = IsalInflater.open();
    }

    @Benchmark
    public boolean emptyCall() throws IsalDataException {
        return inflater.inflate(in, out);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inflater.close();
    }
}

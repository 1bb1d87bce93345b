package dev.restoreagent.bench;

import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.MemoryBudget;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Budget acquire and release by four threads at once, with room for three: contention and FIFO waits. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Threads(4)
public class BudgetBench {
    private final MemoryBudget budget = new MemoryBudget(3L << 20);

    @Benchmark
    public long acquireRelease() throws Exception {
        try (BudgetLease lease = budget.acquire(1L << 20, "bench", Duration.ofMinutes(1))) {
            return lease.bytes();
        }
    }
}

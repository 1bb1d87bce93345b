package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.decode.DecoderImplementations;
import dev.restoreagent.agent.job.JobRegistry;
import dev.restoreagent.agent.job.RestoreJob;
import dev.restoreagent.agent.restore.Progress;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.api.JobState;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus metrics, served at {@code /metrics} on the control socket and on the
 * optional TCP listener ({@link MetricsServer}). Thread-safe: scraped from the servers' event loops,
 * told of finished jobs from their runners' threads.
 */
final class AgentMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final double MIB = 1 << 20;
    /** From a small volume in a second to a large one in a day. */
    private static final double[] DURATION_SECONDS = {1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200,
        14400, 28800, 86400};
    /** From a slow NFS share to several local NVMe disks. */
    private static final double[] THROUGHPUT_BYTES_PER_SECOND = {MIB, 4 * MIB, 16 * MIB, 32 * MIB, 64 * MIB,
        128 * MIB, 256 * MIB, 512 * MIB, 1024 * MIB, 2048 * MIB, 4096 * MIB};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RestoredBytes restoredBytes = new RestoredBytes();
    private final Counter verificationFailures;
    private final Counter finished;
    private final Counter failed;
    private final Histogram duration;
    private final Histogram throughput;

    AgentMetrics(MemoryBudget budget, Supplier<JobRegistry> jobs, String version) {
        CounterWithCallback.builder().name("restore_agent_restored_bytes_total")
                .help("Bytes put in place by restores (written, zeroed or skipped as zero), counted as they run")
                .callback(cb -> cb.call(restoredBytes.total(doneBytes(jobs.get())))).register(registry);
        verificationFailures = Counter.builder().name("restore_agent_verification_failures_total")
                .help("Restores that failed verification (md5, length, corrupt data)").register(registry);
        finished = Counter.builder().name("restore_agent_jobs_finished_total")
                .help("Jobs that ended, by their end state").labelNames("state").register(registry);
        failed = Counter.builder().name("restore_agent_jobs_failed_total")
                .help("Jobs that did not succeed, by the kind of failure (CANCELLED: someone stopped them)")
                .labelNames("kind").register(registry);
        for (JobState state : JobState.values()) {
            if (state.isFinished()) {
                finished.initLabelValues(state.name());
            }
        }
        for (FailureKind kind : FailureKind.values()) {
            failed.initLabelValues(kind.name());
        }
        duration = Histogram.builder().name("restore_agent_restore_duration_seconds")
                .help("How long succeeded restores ran, from getting their memory to the last write flushed")
                .classicOnly().classicUpperBounds(DURATION_SECONDS).register(registry);
        throughput = Histogram.builder().name("restore_agent_restore_throughput_bytes_per_second")
                .help("Bytes per second of succeeded restores over their whole run")
                .classicOnly().classicUpperBounds(THROUGHPUT_BYTES_PER_SECOND).register(registry);
        GaugeWithCallback.builder().name("restore_agent_jobs").help("Jobs by state").labelNames("state")
                .callback(cb -> {
                    for (JobState state : JobState.values()) {
                        cb.call(jobs.get().list().stream().filter(j -> j.state() == state).count(), state.name());
                    }
                }).register(registry);
        registerMemory(budget);
        GaugeWithCallback.builder().name("restore_agent_queue_length").help("Restores waiting for memory")
                .callback(cb -> cb.call(budget.waitingCount())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_writes_in_flight").help("Buffers submitted, not completed")
                .callback(cb -> cb.call(jobs.get().list().stream().filter(j -> j.state() == JobState.RUNNING)
                        .map(RestoreJob::progress).filter(p -> p != null)
                        .mapToInt(Progress::writesInFlight).sum())).register(registry);
        Info.builder().name("restore_agent_build_info").help("The agent's version").labelNames("version")
                .register(registry).setLabelValues(version);
        Info decoders = Info.builder().name("restore_agent_decoder_info")
                .help("The library that decodes each compression codec").labelNames("codec", "implementation")
                .register(registry);
        for (Codec codec : Codec.values()) {
            if (codec != Codec.NONE) {
                decoders.addLabelValues(codec.label(), DecoderImplementations.of(codec));
            }
        }
    }

    private void registerMemory(MemoryBudget budget) {
        GaugeWithCallback.builder().name("restore_agent_budget_total_bytes").help("The memory budget")
                .callback(cb -> cb.call(budget.totalBytes())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_budget_in_use_bytes").help("Memory held by restores")
                .callback(cb -> cb.call(budget.totalBytes() - budget.availableBytes())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_budget_peak_in_use_bytes")
                .help("The most memory restores held at once since the agent started")
                .callback(cb -> cb.call(budget.peakUsedBytes())).register(registry);
        // the allocator's own count of live data buffers: what the budget's accounting must bound
        GaugeWithCallback.builder().name("restore_agent_direct_memory_used_bytes")
                .help("Direct memory of the data path's buffers alive now")
                .callback(cb -> cb.call(DirectMemory.usedBytes())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_direct_memory_peak_bytes")
                .help("The most direct memory the data path's buffers held at once")
                .callback(cb -> cb.call(DirectMemory.peakUsedBytes())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_process_resident_memory_bytes")
                .help("Resident memory of the agent's process (VmRSS): heap, direct buffers, native libraries")
                .callback(cb -> cb.call(ProcessMemory.residentBytes())).register(registry);
    }

    /** Bytes done by each listed job that has started. */
    private static Map<String, Long> doneBytes(JobRegistry jobs) {
        Map<String, Long> done = new HashMap<>();
        for (RestoreJob job : jobs.list()) {
            Progress progress = job.progress();
            if (progress != null) {
                done.put(job.id(), progress.doneBytes());
            }
        }
        return done;
    }

    /** Counts a job that has ended; call once per job, after it settled. */
    void jobFinished(RestoreJob job) {
        Progress progress = job.progress();
        restoredBytes.finished(job.id(), progress == null ? 0 : progress.doneBytes());
        JobState state = job.state();
        finished.labelValues(state.name()).inc();
        if (state == JobState.SUCCEEDED) {
            if (progress != null) {
                duration.observe(progress.runningNanos() / 1e9);
                throughput.observe(progress.bytesPerSecond());
            }
            return;
        }
        // every end but success carries a kind; INTERNAL stands in should one ever not
        FailureKind kind = job.errorKind() == null ? FailureKind.INTERNAL : job.errorKind();
        failed.labelValues(kind.name()).inc();
        if (kind == FailureKind.VERIFICATION) {
            verificationFailures.inc();
        }
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toByteArray();
    }
}

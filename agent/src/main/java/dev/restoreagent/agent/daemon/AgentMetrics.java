package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.job.JobRegistry;
import dev.restoreagent.agent.job.JobState;
import dev.restoreagent.agent.job.RestoreJob;
import dev.restoreagent.agent.restore.Progress;
import dev.restoreagent.agent.restore.RestoreFailure;
import dev.restoreagent.io.memory.MemoryBudget;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;

/** The daemon's Prometheus metrics, served at {@code /metrics}. */
final class AgentMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter bytesRestored;
    private final Counter verificationFailures;

    AgentMetrics(MemoryBudget budget, Supplier<JobRegistry> jobs) {
        bytesRestored = Counter.builder().name("restore_agent_restored_bytes_total")
                .help("Bytes put in place by finished restores: written, zeroed or skipped as zero").register(registry);
        verificationFailures = Counter.builder().name("restore_agent_verification_failures_total")
                .help("Restores that failed verification (md5, length, corrupt data)").register(registry);
        GaugeWithCallback.builder().name("restore_agent_jobs").help("Jobs by state").labelNames("state")
                .callback(cb -> {
                    for (JobState state : JobState.values()) {
                        cb.call(jobs.get().list().stream().filter(j -> j.state() == state).count(), state.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("restore_agent_budget_total_bytes").help("The memory budget")
                .callback(cb -> cb.call(budget.totalBytes())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_budget_in_use_bytes").help("Memory held by restores")
                .callback(cb -> cb.call(budget.totalBytes() - budget.availableBytes())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_queue_length").help("Restores waiting for memory")
                .callback(cb -> cb.call(budget.waitingCount())).register(registry);
        GaugeWithCallback.builder().name("restore_agent_writes_in_flight").help("Buffers submitted, not completed")
                .callback(cb -> cb.call(jobs.get().list().stream().filter(j -> j.state() == JobState.RUNNING)
                        .map(RestoreJob::progress).filter(p -> p != null)
                        .mapToInt(Progress::writesInFlight).sum())).register(registry);
    }

    void jobFinished(RestoreJob job) {
        Progress progress = job.progress();
        if (progress != null) {
            bytesRestored.inc(progress.doneBytes());
        }
        if (job.errorKind() == RestoreFailure.Kind.VERIFICATION) {
            verificationFailures.inc();
        }
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toByteArray();
    }
}

package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.decode.DecoderImplementations;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.job.JobRegistry;
import dev.restoreagent.agent.job.Journal;
import dev.restoreagent.agent.log.LogLevels;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.rbd.BackupClusters;
import dev.restoreagent.agent.source.rbd.CephStore;
import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.S3ClientWarmup;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.SharedConnection;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.api.ControlTransport;
import dev.restoreagent.api.JobState;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.nativeb.systemd.SystemdNotify;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon: its components started in order (budget, cluster connection, journal and jobs,
 * metrics and their listener, control socket) and closed in reverse by {@link #close()}, which is
 * idempotent. Under systemd ({@code Type=notify}) it sends {@code READY=1} once the socket listens
 * and {@code STOPPING=1} when closing begins.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Agent.class.getName());

    private final MemoryBudget budget;
    private final SharedConnection connection;
    private final JobRegistry jobs;
    private final ControlServer server;
    private final MetricsServer metricsServer;
    private final ScheduledExecutorService housekeeping;
    private final StateDirLock lock;
    private final Stores stores;
    private boolean closed;

    private Agent(MemoryBudget budget, SharedConnection connection, JobRegistry jobs, ControlServer server,
                  MetricsServer metricsServer, ScheduledExecutorService housekeeping, StateDirLock lock,
                  Stores stores) {
        this.stores = stores;
        this.budget = budget;
        this.connection = connection;
        this.jobs = jobs;
        this.server = server;
        this.metricsServer = metricsServer;
        this.housekeeping = housekeeping;
        this.lock = lock;
    }

    /**
     * Starts every component; on failure closes what was started and rethrows.
     *
     * @throws AgentStartException if another agent runs on the same state directory or socket
     */
    public static Agent start(AgentConfig config, String version) throws IOException, InterruptedException {
        // before anything reads the journal: another agent may be running its jobs
        StateDirLock lock = StateDirLock.acquire(config.stateDir());
        try {
            return start(config, version, lock);
        } catch (IOException | InterruptedException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Agent start(AgentConfig config, String version, StateDirLock lock)
            throws IOException, InterruptedException {
        ControlTransport transport;
        try {
            transport = ControlTransport.selected();
        } catch (IllegalStateException e) {
            throw new AgentStartException(e.getMessage());
        }
        SharedConnection connection = connection(config);
        Stores stores = stores(config).withClusters(new BackupClusters(connection::get, config.osdOpTimeout()));
        MemoryBudget budget = new MemoryBudget(config.memoryBudgetBytes());
        JobRegistry[] registry = new JobRegistry[1];
        AgentMetrics metrics = new AgentMetrics(budget, () -> registry[0], version);
        JobRegistry jobs = new JobRegistry(budget, config.settings(), new TargetOpener(connection), stores,
                new Journal(config.stateDir()), config.stateDir(), config.jobRetention(), job -> {
                    metrics.jobFinished(job);
                    LOG.log(endLevel(job.state()), "job " + job.id() + " " + job.state()
                            + (job.error() == null ? "" : ": " + job.error()));
                });
        registry[0] = jobs;
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("housekeeping"));
        ControlServer server = new ControlServer(config.socket(), config.socketGroup(), transport,
                new ApiHandler(jobs, budget, CallerPolicy.of(config), new PathPolicy(config.allowedPaths()), metrics,
                        version, transport));
        MetricsServer metricsServer = config.metricsListen() == null ? null
                : new MetricsServer(config.metricsListen(), metrics);
        Agent agent = new Agent(budget, connection, jobs, server, metricsServer, housekeeping, lock, stores);
        try {
            warmUp(budget, config.settings(), config.stores().values().stream()
                    .anyMatch(store -> store.type() == StoreConfig.Type.S3));
            jobs.start();
            housekeeping.scheduleWithFixedDelay(jobs::expire, 1, 10, TimeUnit.MINUTES);
            if (metricsServer != null) {
                metricsServer.start();
            }
            server.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            agent.close();
            throw e;
        }
        LOG.info("restore-agent " + version + " started: memory budget " + budget.totalBytes() + " bytes, state in "
                + config.stateDir() + (stores.names().isEmpty() ? "" : ", object stores " + String.join(", ",
                stores.names())));
        StringBuilder fallbacks = new StringBuilder();
        for (Codec codec : Codec.values()) {
            String fallback = DecoderImplementations.fallback(codec);
            if (fallback != null) {
                fallbacks.append("; ").append(codec.label()).append(" falls back to ")
                        .append(DecoderImplementations.of(codec)).append(", slower: ").append(fallback);
            }
        }
        LOG.log(fallbacks.isEmpty() ? Level.INFO : Level.WARNING, "decoders: " + DecoderImplementations.all()
                + fallbacks);
        // after the socket listens: systemd (Type=notify) starts what is ordered after us only now
        tellSystemd(() -> SystemdNotify.ready("serving on " + config.socket()));
        return agent;
    }

    /**
     * Runs the data path over a sample once, and with an S3 store the S3 client's reads, so that the first
     * restore is not a cold one; never fails the agent. Before any job runs and before the socket listens: the
     * budget is all its own, and no restore, status or metric sees it.
     */
    private static void warmUp(MemoryBudget budget, RestoreSettings settings, boolean s3)
            throws InterruptedException {
        try {
            LOG.info(DataPathWarmup.run(budget, settings, () -> Thread.currentThread().isInterrupted()));
        } catch (RestoreFailure | RuntimeException e) {
            LOG.warning("warming the data path failed (restores still run, the first one cold): " + e.getMessage());
        }
        if (s3) {
            try {
                LOG.info(S3ClientWarmup.run());
            } catch (IOException | RuntimeException e) {
                LOG.warning("warming the S3 client failed (restores still run, the first from S3 cold): "
                        + e.getMessage());
            }
        }
    }

    /**
     * agent.conf's stores: its object stores, their secrets read (one that cannot be set up stops the
     * start), and its Ceph backup clusters, connected on first use.
     */
    private static Stores stores(AgentConfig config) throws AgentStartException {
        Map<String, ObjectStore> open = new LinkedHashMap<>();
        Map<String, CephStore> ceph = new LinkedHashMap<>();
        for (StoreConfig store : config.stores().values()) {
            if (store.ceph() != null) {
                ceph.put(store.name(), store.ceph());
                continue;
            }
            try {
                open.put(store.name(), StoreClients.open(store, config.settings().sourceReadTimeout()));
            } catch (ObjectStoreException e) {
                open.values().forEach(ObjectStore::close);
                throw new AgentStartException(e.getMessage());
            }
        }
        return new Stores(open, ceph, null);
    }

    /** A job's end in the log: a failure is an error, a cancel worth a notice, a success news. */
    static Level endLevel(JobState state) {
        return switch (state) {
            case FAILED -> Level.SEVERE;
            case CANCELLED -> LogLevels.NOTICE;
            default -> Level.INFO;
        };
    }

    /** The daemon's cluster connection as {@code config} has it; made on first use. */
    static SharedConnection connection(AgentConfig config) {
        return new SharedConnection(() -> RbdConnection.connect(new RadosConfig(config.cephCluster(), config.cephId(),
                config.cephConf(), config.cephKeyring(), Map.of()), config.osdOpTimeout(), config.rbdZeroCopyWrites()));
    }

    private interface Notification {
        boolean send() throws NativeIoException;
    }

    /** A notification systemd refused is worth a warning, not the daemon. */
    private static void tellSystemd(Notification notification) {
        try {
            notification.send();
        } catch (NativeIoException e) {
            LOG.warning("telling systemd: " + e.getMessage());
        }
    }

    /** Closes the socket, stops the jobs (they drain and stay resumable), then the cluster connection. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        tellSystemd(() -> SystemdNotify.stopping("stopping: running restores drain"));
        try {
            server.close();
        } catch (IOException e) {
            LOG.warning("closing the control socket: " + e.getMessage());
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        housekeeping.shutdownNow();
        jobs.close();
        stores.close();
        connection.close();
        budget.close();
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warning("releasing the state directory's lock: " + e.getMessage());
        }
        LOG.info("restore-agent stopped");
    }
}

package dev.restoreagent.bench.e2e;

import dev.restoreagent.testkit.CephBackupCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * A fresh throwaway cluster from {@code scripts/ceph-cluster.sh} for one measurement. Every RBD
 * measurement gets its own: the same conditions for each, and memstore's space accounting, which
 * goes wrong after a few GiB of sparse writes and removals (the OSD then reports itself full,
 * "-2147483648% full"), never carries over from one run to the next.
 */
final class CephCluster implements AutoCloseable {
    static final String BACKUP_POOL = "backups";
    static final String BACKUP_WRITER = "cinder-backup";
    static final String BACKUP_READER = "restore-agent";

    private final Path script;
    private final Path dir;
    private final Path log;

    private CephCluster(Path script, Path dir, Path log) {
        this.script = script;
        this.dir = dir;
        this.log = log;
    }

    /** Starts a cluster in {@code dir} (which must not hold one) with an OSD of {@code memstoreBytes}. */
    static CephCluster start(Path root, Path dir, long memstoreBytes, Path log) throws IOException {
        return start(root, dir, memstoreBytes, false, log);
    }

    /** As {@link #start(Path, Path, long, Path)}, with the RADOS Gateway when {@code withGateway}. */
    static CephCluster start(Path root, Path dir, long memstoreBytes, boolean withGateway, Path log)
            throws IOException {
        return start(root, dir, memstoreBytes, withGateway, Map.of(), log);
    }

    /**
     * A cluster for Cinder's Ceph backups as {@code scripts/with-ceph.sh} starts its second one: no gateway, pool
     * {@value #BACKUP_POOL}, and the users {@value #BACKUP_WRITER} (caps {@code profile rbd}, as Cinder's driver
     * writes) and {@value #BACKUP_READER} (read-only, as the agent reads), each with a keyring of its own.
     */
    static CephCluster startBackups(Path root, Path dir, long memstoreBytes, Path log) throws IOException {
        return start(root, dir, memstoreBytes, false, Map.of("CEPH_DEV_POOL", BACKUP_POOL,
                "CEPH_DEV_USERS", BACKUP_WRITER + "=rbd " + BACKUP_READER + "=rbd-read-only"), log);
    }

    private static CephCluster start(Path root, Path dir, long memstoreBytes, boolean withGateway,
                                     Map<String, String> environment, Path log) throws IOException {
        Path script = root.resolve("scripts/ceph-cluster.sh");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "start", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("CEPH_DEV_MEMSTORE_BYTES", Long.toString(memstoreBytes));
        // RBD measurements: no gateway taking RAM and CPU beside them, as in the earlier reports
        pb.environment().put("CEPH_DEV_RGW", withGateway ? "1" : "0");
        pb.environment().putAll(environment);
        try {
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IOException("the Ceph cluster did not start (exit " + rc + "; see " + log + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the cluster started", e);
        }
        return new CephCluster(script, dir, log);
    }

    Path conf() {
        return dir.resolve("ceph.conf");
    }

    /** This cluster as the test kit's {@link CephBackupCluster}; only for one {@link #startBackups} started. */
    CephBackupCluster backupCluster() {
        // ceph-cluster.sh writes the users' conf and keyrings under DIR as it resolved it
        Path real = dir.toAbsolutePath().normalize();
        return new CephBackupCluster(real.resolve("client.conf"), real.resolve("ceph.conf"), BACKUP_POOL,
                BACKUP_READER, real.resolve("ceph.client." + BACKUP_READER + ".keyring"), BACKUP_WRITER,
                real.resolve("ceph.client." + BACKUP_WRITER + ".keyring"));
    }

    /**
     * The gateway's endpoint and keys ({@code RGW_ENDPOINT}, {@code RGW_S3_ACCESS_KEY}, ...), from the
     * {@code rgw.env} the script wrote; only for a cluster started with the gateway.
     */
    Map<String, String> gatewayEnvironment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("rgw.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        if (!env.containsKey("RGW_ENDPOINT")) {
            throw new IOException(dir.resolve("rgw.env") + " names no RGW_ENDPOINT");
        }
        return env;
    }

    /** Stops exactly this cluster and removes its directory. */
    @Override
    public void close() throws IOException {
        Commands.run(List.of(script.toString(), "stop", dir.toString()), log);
    }
}

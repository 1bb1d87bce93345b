package dev.restoreagent.bench.e2e;

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
        Path script = root.resolve("scripts/ceph-cluster.sh");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "start", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("CEPH_DEV_MEMSTORE_BYTES", Long.toString(memstoreBytes));
        // RBD measurements: no gateway taking RAM and CPU beside them, as in the earlier reports
        pb.environment().put("CEPH_DEV_RGW", withGateway ? "1" : "0");
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

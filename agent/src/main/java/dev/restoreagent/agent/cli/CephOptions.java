package dev.restoreagent.agent.cli;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.RadosConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach the Ceph cluster, with the {@code rbd} CLI's option names and its {@code CEPH_ARGS}:
 * configuration options there apply as librados reads them, and a client named there
 * ({@code --id}, {@code --user}, {@code -n}/{@code --name}) is used unless the command line names one.
 */
final class CephOptions {
    static final String DEFAULT_ID = "admin";

    @Option(names = {"-c", "--ceph-conf", "--conf"}, paramLabel = "FILE",
            description = "Ceph configuration file (default: $CEPH_CONF, then /etc/ceph/$cluster.conf).")
    Path confFile;

    @Option(names = {"--id", "--user", "-n", "--name"}, paramLabel = "ID",
            description = "Ceph client: an id, or client.ID as --name takes it (default: from $CEPH_ARGS, else "
                    + DEFAULT_ID + ").")
    String id;

    @Option(names = {"-k", "--keyring"}, paramLabel = "FILE", description = "Keyring of the client.")
    Path keyring;

    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = "ceph",
            description = "Cluster name (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--osd-op-timeout", paramLabel = "SECONDS",
            defaultValue = "30", description = "Fail a write an OSD has not answered after this long"
            + " (rados_osd_op_timeout; default: ${DEFAULT-VALUE}).")
    long osdOpTimeoutSeconds;

    RbdConnection connect() throws NativeIoException {
        String client = id != null ? id : CephArgs.client(System.getenv("CEPH_ARGS")).orElse(DEFAULT_ID);
        return RbdConnection.connect(new RadosConfig(cluster, client, confFile, keyring, Map.of()),
                Duration.ofSeconds(osdOpTimeoutSeconds), true);
    }
}

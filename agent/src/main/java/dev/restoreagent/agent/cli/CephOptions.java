package dev.restoreagent.agent.cli;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.RadosConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** How to reach the Ceph cluster, with the {@code rbd} CLI's option names. */
final class CephOptions {
    @Option(names = {"-c", "--ceph-conf"}, paramLabel = "FILE",
            description = "Ceph configuration file (default: $CEPH_CONF, then /etc/ceph/$cluster.conf).")
    Path confFile;

    @Option(names = "--id", paramLabel = "ID", defaultValue = "admin",
            description = "Ceph client id, without 'client.' (default: ${DEFAULT-VALUE}).")
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
        return RbdConnection.connect(new RadosConfig(cluster, id, confFile, keyring, Map.of()),
                Duration.ofSeconds(osdOpTimeoutSeconds), true);
    }
}

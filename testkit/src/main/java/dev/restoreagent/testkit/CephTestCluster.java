package dev.restoreagent.testkit;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's throwaway Ceph clusters as tests see them: {@code make test} starts them with
 * {@code scripts/with-ceph.sh} and exports {@code CEPH_CONF}, for the first cluster's RADOS Gateway the
 * {@code RGW_*} variables of {@code DIR/rgw.env}, and for the second cluster, which holds Cinder's Ceph backups,
 * the {@code BACKUP_CEPH_*} variables ({@link #backupCluster()}). Without them a test is skipped on a
 * developer's machine, but under {@code CI=true} a missing cluster or gateway fails the test: CI must never pass
 * by skipping the Ceph tests.
 */
public final class CephTestCluster {
    /** The variables {@code scripts/with-ceph.sh} exports for the gateway, in {@link RadosGateway}'s order. */
    static final List<String> RGW_VARIABLES = List.of("RGW_ENDPOINT", "RGW_S3_ACCESS_KEY", "RGW_S3_SECRET_KEY",
            "RGW_SWIFT_AUTH_URL", "RGW_SWIFT_USER", "RGW_SWIFT_KEY");
    /** What {@code scripts/with-ceph.sh} exports for the backup cluster, in {@link CephBackupCluster}'s order. */
    static final List<String> BACKUP_VARIABLES = List.of("BACKUP_CEPH_CONF", "BACKUP_CEPH_ADMIN_CONF",
            "BACKUP_CEPH_POOL", "BACKUP_CEPH_USER", "BACKUP_CEPH_KEYRING", "BACKUP_CEPH_CINDER_USER",
            "BACKUP_CEPH_CINDER_KEYRING");
    /** Those of them that name files: confs and keyrings. */
    private static final List<String> BACKUP_FILES = List.of("BACKUP_CEPH_CONF", "BACKUP_CEPH_ADMIN_CONF",
            "BACKUP_CEPH_KEYRING", "BACKUP_CEPH_CINDER_KEYRING");

    private CephTestCluster() {
    }

    /** The cluster's {@code ceph.conf}; skips (or under CI fails) the test when there is none. */
    public static Path conf() {
        String conf = System.getenv("CEPH_CONF");
        if (conf == null || !Files.isRegularFile(Path.of(conf))) {
            unavailable(System::getenv, "no Ceph cluster: CEPH_CONF is "
                    + (conf == null ? "unset" : "not a file: " + conf)
                    + " (make test starts one with scripts/ceph-cluster.sh)");
        }
        return Path.of(conf);
    }

    /**
     * The cluster's RADOS Gateway, from the {@code RGW_*} variables; skips (or under CI fails) the test when
     * any is unset, and fails it when an URL among them is malformed.
     */
    public static RadosGateway rgw() {
        return rgw(System::getenv);
    }

    /** {@link #rgw()} over another environment, for its own tests. */
    static RadosGateway rgw(UnaryOperator<String> env) {
        List<String> missing = new ArrayList<>();
        for (String name : RGW_VARIABLES) {
            String value = env.apply(name);
            if (value == null || value.isEmpty()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            unavailable(env, "no RADOS Gateway: " + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " unset (make test starts one with scripts/ceph-cluster.sh; CEPH_DEV_RGW=0 leaves it out)");
        }
        return new RadosGateway(url(env, "RGW_ENDPOINT"), env.apply("RGW_S3_ACCESS_KEY"),
                env.apply("RGW_S3_SECRET_KEY"), url(env, "RGW_SWIFT_AUTH_URL"), env.apply("RGW_SWIFT_USER"),
                env.apply("RGW_SWIFT_KEY"));
    }

    /**
     * The second cluster, which holds Cinder's Ceph backups (pool {@code backups}, its writer
     * {@code client.cinder-backup} and the agent's read-only {@code client.restore-agent}), from the
     * {@code BACKUP_CEPH_*} variables; skips (or under CI fails) the test when any is unset or names no file.
     */
    public static CephBackupCluster backupCluster() {
        return backupCluster(System::getenv);
    }

    /** {@link #backupCluster()} over another environment, for its own tests. */
    static CephBackupCluster backupCluster(UnaryOperator<String> env) {
        List<String> missing = new ArrayList<>();
        for (String name : BACKUP_VARIABLES) {
            String value = env.apply(name);
            if (value == null || value.isEmpty()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            unavailable(env, "no backup cluster: " + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " unset (scripts/with-ceph.sh starts one; RESTORE_AGENT_BACKUP_CEPH=0 leaves it out)");
        }
        for (String name : BACKUP_FILES) {
            if (!Files.isRegularFile(Path.of(env.apply(name)))) {
                unavailable(env, "no backup cluster: " + name + " is not a file: " + env.apply(name));
            }
        }
        return new CephBackupCluster(Path.of(env.apply("BACKUP_CEPH_CONF")),
                Path.of(env.apply("BACKUP_CEPH_ADMIN_CONF")), env.apply("BACKUP_CEPH_POOL"),
                env.apply("BACKUP_CEPH_USER"), Path.of(env.apply("BACKUP_CEPH_KEYRING")),
                env.apply("BACKUP_CEPH_CINDER_USER"), Path.of(env.apply("BACKUP_CEPH_CINDER_KEYRING")));
    }

    /** An image name no other test uses (a reused name can wait 30 s on a dead client's lock). */
    public static String uniqueImageName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // a set variable that is wrong is a broken set-up, never a reason to skip
    private static URI url(UnaryOperator<String> env, String name) {
        String value = env.apply(name);
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getPort() > 0) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, as for any other value that is not an http URL with a host and port
        }
        throw new AssertionError(name + " is not an http URL with a host and a port: " + value);
    }

    private static void unavailable(UnaryOperator<String> env, String why) {
        if ("true".equals(env.apply("CI"))) {
            throw new AssertionError("CI=true, and " + why);
        }
        Assumptions.abort(why);
    }
}

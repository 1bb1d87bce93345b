package dev.restoreagent.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's throwaway Ceph cluster as tests see it: {@code make test} starts it with
 * {@code scripts/ceph-cluster.sh} and exports {@code CEPH_CONF}. Without it a test is skipped on a
 * developer's machine, but under {@code CI=true} a missing cluster fails the test: CI must never
 * pass by skipping the Ceph tests.
 */
public final class CephTestCluster {
    private CephTestCluster() {
    }

    /** The cluster's {@code ceph.conf}; skips (or under CI fails) the test when there is none. */
    public static Path conf() {
        String conf = System.getenv("CEPH_CONF");
        if (conf == null || !Files.isRegularFile(Path.of(conf))) {
            String why = "no Ceph cluster: CEPH_CONF is " + (conf == null ? "unset" : "not a file: " + conf)
                    + " (make test starts one with scripts/ceph-cluster.sh)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true, and " + why);
            }
            Assumptions.abort(why);
        }
        return Path.of(conf);
    }

    /** An image name no other test uses (a reused name can wait 30 s on a dead client's lock). */
    public static String uniqueImageName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.job.RestoreRequests.FieldException;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.rbd.RbdImageSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the daemon's file access inside the configured directories: no caller may make it read
 * or overwrite anything else (/etc/shadow). Paths are resolved through symlinks first, so a link
 * inside an allowed directory cannot point out of it.
 */
final class PathPolicy {
    private static final Path CEPH_DIR = Path.of("/etc/ceph");

    private final List<Path> allowed;

    PathPolicy(List<Path> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /**
     * Checked before anything of the request is read (its Cinder export record is a file): a path outside
     * is never opened, not even to tell what it holds.
     *
     * @throws FieldException naming the field whose path is outside, not absolute or not a path
     */
    void check(RestoreRequest request) {
        check("backup_root", request.backupRoot());
        check("cinder_record", request.cinderRecord());
        for (String parent : request.parentRecordList()) {
            check("parent_records", parent);
        }
        if ("-".equals(request.image())) {
            throw new FieldException("image", "image '-' (standard input) is for restore-agent restore, not the daemon");
        }
        check("image", request.image());
        if (request.to() != null && !RbdImageSpec.isRbd(request.to())) {
            check("to", request.to());
        }
        if (request.backupCluster() != null) {
            // a cluster's conf and keyring live in /etc/ceph; nothing else outside the allowed directories
            List<Path> clusterFiles = new ArrayList<>(allowed);
            clusterFiles.add(CEPH_DIR);
            check("backup_cluster.conf", request.backupCluster().conf(), clusterFiles);
            check("backup_cluster.keyring", request.backupCluster().keyring(), clusterFiles);
        }
    }

    private void check(String field, String value) {
        check(field, value, allowed);
    }

    private static void check(String field, String value, List<Path> allowed) {
        if (value == null) {
            return;
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            // a NUL in it, which no file name may hold
            throw new FieldException(field, field + " '" + value + "' is not a path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw new FieldException(field, field + " '" + value + "' is not an absolute path");
        }
        Path real = resolve(path.normalize());
        for (Path root : allowed) {
            if (real.startsWith(resolve(root))) {
                return;
            }
        }
        throw new FieldException(field, field + " '" + value + "' is outside the directories this agent may use ("
                + String.join(", ", allowed.stream().map(Path::toString).toList()) + ")");
    }

    /** The real path of the longest existing prefix, plus the rest: where the path really leads. */
    private static Path resolve(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            return path;
        }
    }
}

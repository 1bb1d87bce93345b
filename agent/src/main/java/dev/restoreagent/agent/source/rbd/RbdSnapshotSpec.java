package dev.restoreagent.agent.source.rbd;

/**
 * An RBD image a restore reads, at a snapshot or (read-only) at its head:
 * {@code rbd:POOL[/NAMESPACE]/IMAGE[@SNAP]}.
 *
 * @param namespace null for the pool's default namespace
 * @param snapshot null for the image's head
 */
public record RbdSnapshotSpec(String pool, String namespace, String image, String snapshot) {
    public static final String PREFIX = "rbd:";

    /**
     * Parses {@code rbd:POOL[/NAMESPACE]/IMAGE[@SNAP]}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static RbdSnapshotSpec parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + text + "' is not rbd:POOL[/NAMESPACE]/IMAGE[@SNAP]");
        }
        String rest = text.substring(PREFIX.length());
        String snapshot = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            snapshot = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (snapshot.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' names no snapshot after '@'");
            }
        }
        String[] parts = rest.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + text + "' is not rbd:POOL[/NAMESPACE]/IMAGE[@SNAP]");
        }
        return parts.length == 2 ? new RbdSnapshotSpec(parts[0], null, parts[1], snapshot)
                : new RbdSnapshotSpec(parts[0], parts[1], parts[2], snapshot);
    }

    /** {@code pool[/namespace]/image[@snap]}, as rbd's CLI writes it. */
    @Override
    public String toString() {
        return pool + (namespace == null ? "" : "/" + namespace) + "/" + image
                + (snapshot == null ? "" : "@" + snapshot);
    }
}

package dev.restoreagent.io.rbd;

/**
 * An image named as on the command line: {@code rbd:POOL/IMAGE} or {@code rbd:POOL/NAMESPACE/IMAGE}.
 *
 * @param namespace empty for the pool's default namespace
 */
public record RbdImageSpec(String pool, String namespace, String image) {
    /** The prefix that marks a target as an RBD image. */
    public static final String PREFIX = "rbd:";

    public static boolean isRbd(String target) {
        return target.startsWith(PREFIX);
    }

    /**
     * @throws IllegalArgumentException naming the text when it is not {@code rbd:POOL[/NAMESPACE]/IMAGE}
     */
    public static RbdImageSpec parse(String target) {
        if (!isRbd(target)) {
            throw new IllegalArgumentException("not an RBD image: '" + target + "'");
        }
        String[] parts = target.substring(PREFIX.length()).split("/", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("'" + target + "' is not rbd:POOL/IMAGE or rbd:POOL/NAMESPACE/IMAGE");
            }
        }
        return switch (parts.length) {
            case 2 -> new RbdImageSpec(parts[0], "", parts[1]);
            case 3 -> new RbdImageSpec(parts[0], parts[1], parts[2]);
            default -> throw new IllegalArgumentException("'" + target
                    + "' is not rbd:POOL/IMAGE or rbd:POOL/NAMESPACE/IMAGE");
        };
    }

    @Override
    public String toString() {
        return PREFIX + pool + "/" + (namespace.isEmpty() ? "" : namespace + "/") + image;
    }
}

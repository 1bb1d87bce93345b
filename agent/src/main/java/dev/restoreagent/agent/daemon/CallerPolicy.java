package dev.restoreagent.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may use the control socket, decided per connection from its SO_PEERCRED credentials
 * ({@link Peer}): root, the configured uids, and members of the configured groups.
 */
final class CallerPolicy {
    private final Set<Integer> uids;
    private final Set<Integer> gids;

    CallerPolicy(Set<Integer> uids, Set<Integer> gids) {
        this.uids = Set.copyOf(uids);
        this.gids = Set.copyOf(gids);
    }

    /** Resolves group names through {@code /etc/group}; numbers are taken as gids. */
    static CallerPolicy of(AgentConfig config) throws IOException {
        Set<Integer> gids = new HashSet<>();
        List<String> groupFile = Files.exists(Path.of("/etc/group")) ? Files.readAllLines(Path.of("/etc/group"))
                : List.of();
        for (String group : config.allowedGroups()) {
            if (group.chars().allMatch(Character::isDigit)) {
                gids.add(Integer.parseInt(group));
                continue;
            }
            for (String line : groupFile) {
                String[] fields = line.split(":");
                if (fields.length > 2 && fields[0].equals(group)) {
                    gids.add(Integer.parseInt(fields[2]));
                }
            }
        }
        return new CallerPolicy(config.allowedUids(), gids);
    }

    /** Root, an allowed uid, or a member of an allowed group (primary or supplementary). */
    boolean allows(Peer peer) {
        return peer.uid() == 0 || uids.contains(peer.uid()) || peer.groups().stream().anyMatch(gids::contains);
    }
}

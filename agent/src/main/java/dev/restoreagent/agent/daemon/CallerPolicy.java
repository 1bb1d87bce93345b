package dev.restoreagent.agent.daemon;

import dev.restoreagent.nativeb.libc.UserDatabase;

import java.io.IOException;
import java.util.HashSet;
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

    /**
     * Resolves group names through the C library's group database ({@code getgrnam_r}), as the
     * callers' own groups are; numbers are taken as gids, and a name it does not know grants nothing.
     */
    static CallerPolicy of(AgentConfig config) throws IOException {
        Set<Integer> gids = new HashSet<>();
        for (String group : config.allowedGroups()) {
            if (group.chars().allMatch(Character::isDigit)) {
                gids.add(Integer.parseInt(group));
            } else {
                UserDatabase.gidOf(group).ifPresent(gids::add);
            }
        }
        return new CallerPolicy(config.allowedUids(), gids);
    }

    /** Root, an allowed uid, or a member of an allowed group (primary or supplementary). */
    boolean allows(Peer peer) {
        return peer.uid() == 0 || uids.contains(peer.uid()) || peer.groups().stream().anyMatch(gids::contains);
    }
}

package dev.restoreagent.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may use the control socket, decided per connection from its SO_PEERCRED credentials: root,
 * the configured uids, and members of the configured groups (primary group, or supplementary
 * groups as {@code /proc/<pid>/status} lists them, since SO_PEERCRED carries only the primary one).
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

    boolean allows(int uid, int pid, int[] primaryGids) {
        if (uid == 0 || uids.contains(uid)) {
            return true;
        }
        for (int gid : primaryGids) {
            if (gids.contains(gid)) {
                return true;
            }
        }
        return supplementaryGroups(pid).stream().anyMatch(gids::contains);
    }

    private static Set<Integer> supplementaryGroups(int pid) {
        Set<Integer> groups = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("Groups:")) {
                    for (String gid : line.substring("Groups:".length()).trim().split("\\s+")) {
                        if (!gid.isEmpty()) {
                            groups.add(Integer.parseInt(gid));
                        }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the caller is gone or unreadable: only its primary group counts
        }
        return groups;
    }
}

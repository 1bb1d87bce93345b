package dev.restoreagent.agent.cli;

import java.util.Optional;

/**
 * The client named in {@code CEPH_ARGS}, read as the Ceph tools read it. librados parses the
 * variable's configuration options itself ({@code rados_conf_parse_env}), but the client name is
 * fixed when the handle is created, before that: so it is looked for here.
 */
final class CephArgs {
    private CephArgs() {
    }

    /** The last {@code --id}, {@code --user}, {@code -n} or {@code --name} in {@code cephArgs}. */
    static Optional<String> client(String cephArgs) {
        if (cephArgs == null) {
            return Optional.empty();
        }
        String[] words = cephArgs.trim().split("\\s+");
        String found = null;
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            int equals = word.indexOf('=');
            String option = equals < 0 ? word : word.substring(0, equals);
            if (option.equals("--id") || option.equals("--user") || option.equals("-n") || option.equals("--name")) {
                if (equals >= 0) {
                    found = word.substring(equals + 1);
                } else if (i + 1 < words.length) {
                    found = words[++i];
                }
            }
        }
        return Optional.ofNullable(found).filter(s -> !s.isEmpty());
    }
}

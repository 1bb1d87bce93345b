package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.units.Sizes;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The daemon's configuration, {@code /etc/restore-agent/agent.conf} by default: {@code key = value}
 * lines, {@code #} comments. Every key is optional; {@link #DEFAULTS} documents them.
 */
public record AgentConfig(long memoryBudgetBytes, RestoreSettings settings, Path socket, String socketGroup,
                          Path stateDir,
                          Path cephConf, String cephId, Path cephKeyring, String cephCluster, Duration osdOpTimeout,
                          boolean rbdZeroCopyWrites,
                          Set<Integer> allowedUids, Set<String> allowedGroups, List<Path> allowedPaths,
                          Duration jobRetention) {
    /** Default location of the file. */
    public static final Path DEFAULT_FILE = Path.of("/etc/restore-agent/agent.conf");

    /** Every key with its default, as the packaged file shows them. */
    public static final String DEFAULTS = String.join("\n",
            "# memory for all restores together: buffers and decoders (bytes, KiB, MiB, GiB)",
            "memory_budget = 256MiB",
            "# each restore: buffers of this size, this many in flight, decode threads (0 = auto)",
            "buffer_size = 4MiB",
            "queue_depth = 8",
            "decoders = 0",
            "# the control socket (mode 0660) and where jobs and incomplete marks are kept",
            "socket = /run/restore-agent/agent.sock",
            "# group of the socket file, whose members can connect (empty: the agent's own group)",
            "socket_group =",
            "state_dir = /var/lib/restore-agent",
            "# the Ceph client, as the rbd CLI takes it (ceph_conf empty: $CEPH_CONF, then /etc/ceph)",
            "ceph_conf =",
            "ceph_id = admin",
            "ceph_keyring =",
            "ceph_cluster = ceph",
            "osd_op_timeout_seconds = 30",
            "# librbd writes straight from the agent's buffers; false makes librbd copy every write",
            "# (more memory and CPU: for diagnosing a librbd problem and for measuring the difference)",
            "rbd_zero_copy_writes = true",
            "# callers allowed besides root: uids, and groups (names or gids, primary or supplementary)",
            "allowed_uids =",
            "allowed_groups = restore-agent",
            "# directories that sources and file or device targets must be inside (comma-separated)",
            "allowed_paths = /var/lib/cinder/backup, /var/lib/restore-agent/restores, /dev",
            "# how long finished jobs stay listed",
            "job_retention_hours = 168",
            "");

    /** Reads {@code file}; a missing file means every default. */
    public static AgentConfig load(Path file) throws IOException {
        Properties values = new Properties();
        try (Reader defaults = new java.io.StringReader(DEFAULTS)) {
            values.load(defaults);
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(reader);
        } catch (NoSuchFileException e) {
            // defaults only
        }
        return from(values, file);
    }

    private static AgentConfig from(Properties p, Path file) {
        String where = "config " + file + ": ";
        try {
            RestoreSettings settings = new RestoreSettings(Math.toIntExact(Sizes.parse(p.getProperty("buffer_size"))),
                    Integer.parseInt(p.getProperty("queue_depth").trim()),
                    Integer.parseInt(p.getProperty("decoders").trim()),
                    RestoreSettings.DEFAULT_ZSTD_WINDOW_LOG_MAX, false);
            return new AgentConfig(Sizes.parse(p.getProperty("memory_budget")), settings,
                    Path.of(p.getProperty("socket").trim()), blankToNull(p.getProperty("socket_group")),
                    Path.of(p.getProperty("state_dir").trim()),
                    optionalPath(p.getProperty("ceph_conf")), p.getProperty("ceph_id").trim(),
                    optionalPath(p.getProperty("ceph_keyring")), p.getProperty("ceph_cluster").trim(),
                    Duration.ofSeconds(Long.parseLong(p.getProperty("osd_op_timeout_seconds").trim())),
                    bool("rbd_zero_copy_writes", p.getProperty("rbd_zero_copy_writes")),
                    list(p.getProperty("allowed_uids")).stream().map(Integer::valueOf).collect(Collectors.toSet()),
                    Set.copyOf(list(p.getProperty("allowed_groups"))),
                    list(p.getProperty("allowed_paths")).stream().map(s -> Path.of(s).toAbsolutePath().normalize())
                            .collect(Collectors.toList()),
                    Duration.ofHours(Long.parseLong(p.getProperty("job_retention_hours").trim())));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private static boolean bool(String key, String value) {
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false: '" + value.trim() + "'");
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Path optionalPath(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static List<String> list(String value) {
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }
}

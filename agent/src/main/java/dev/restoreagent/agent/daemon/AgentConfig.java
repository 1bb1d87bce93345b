package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.daemon.ConfLines.Setting;
import dev.restoreagent.agent.restore.RestoreSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The daemon's configuration, {@code /etc/restore-agent/agent.conf} by default: {@code key = value}
 * lines and {@code #} comments, read strictly (see {@link ConfLines}): a file with anything else in it, or
 * with a value that is not valid for its key, is refused with a {@link ConfigException}. Every key is
 * optional; {@link #DEFAULTS} documents them.
 *
 * @param metricsListen the loopback address of the metrics listener, or null when it is off
 * @param stores the Swift and S3 stores requests may name, by name ({@code store.<name>.*} lines)
 */
public record AgentConfig(long memoryBudgetBytes, RestoreSettings settings, Path socket, String socketGroup,
                          Path stateDir,
                          Path cephConf, String cephId, Path cephKeyring, String cephCluster, Duration osdOpTimeout,
                          boolean rbdZeroCopyWrites,
                          Set<Integer> allowedUids, Set<String> allowedGroups, List<Path> allowedPaths,
                          Duration jobRetention, InetSocketAddress metricsListen, Map<String, StoreConfig> stores) {
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
            "# a read of a backup that returns nothing for this long fails its restore (a hung NFS server)",
            "source_read_timeout_seconds = 120",
            "# the control socket (mode 0660) and where jobs and incomplete marks are kept",
            "socket = /run/restore-agent/agent.sock",
            "# group of the socket file, whose members can connect (empty: the agent's own group)",
            "socket_group =",
            "state_dir = /var/lib/restore-agent",
            "# the Ceph client, as the rbd CLI takes it (ceph_conf empty: $CEPH_CONF, then /etc/ceph).",
            "# The agent runs as user restore-agent, which cannot read client.admin's keyring: give it a",
            "# client of its own, then set ceph_id = restore-agent and ceph_keyring to its file:",
            "#   k=/etc/ceph/ceph.client.restore-agent.keyring",
            "#   ceph auth get-or-create client.restore-agent mon 'profile rbd' osd 'profile rbd' -o $k",
            "#   chgrp restore-agent $k && chmod 0640 $k",
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
            "# Prometheus metrics over TCP, GET /metrics only: a loopback host:port such as 127.0.0.1:9464",
            "# (empty: off; the control socket serves /metrics either way)",
            "metrics_listen =",
            "# Swift and S3 stores that requests name (store NAME), holding backups Cinder's drivers wrote.",
            "# Secrets go in the files named, readable by user restore-agent only:",
            "#   store.rgw.type = s3",
            "#   store.rgw.endpoint = https://rgw.example.net:8443     (empty for AWS itself; region too)",
            "#   store.rgw.credentials_file = /etc/restore-agent/s3-credentials   (~/.aws/credentials format)",
            "#   store.rgw.profile = default",
            "#   store.rgw.ca_cert = /etc/ssl/certs/rgw-ca.pem",
            "#   store.rgw.sse_customer_key_file =   (backup_s3_sse_customer_key, for SSE-C backups)",
            "#   store.swift.type = swift",
            "#   store.swift.auth_url = https://swift.example.net/auth/1.0",
            "#   store.swift.credentials_file = /etc/restore-agent/swift-credentials   (user = ..., key = ...)",
            "#   store.ks.type = swift             (Keystone v3: auth_url is Keystone's, OS_AUTH_URL)",
            "#   store.ks.auth_version = 3",
            "#   store.ks.auth_url = https://keystone.example.net:5000/v3",
            "#   store.ks.credentials_file = /etc/restore-agent/keystone-credentials   (the OS_* variables",
            "#       without OS_, lower case: username, user_domain_name, password, project_name,",
            "#       project_domain_name, region_name, interface; or user_id, project_id, *_domain_id)",
            "#   store.NAME.max_connections = 16   (connections all restores from it share)",
            "# Ceph clusters holding backups of Cinder's Ceph driver (its backup_ceph_* options); a request's",
            "# store names one with backup_id and volume_id, a Ceph driver's cinder_record, or from:",
            "#   store.backups.type = ceph",
            "#   store.backups.conf = /etc/ceph/backup.conf        (default /etc/ceph/ceph.conf)",
            "#   store.backups.user = restore-agent                (default cinder; read-only caps suffice)",
            "#   store.backups.keyring = /etc/ceph/backup.client.restore-agent.keyring",
            "#   store.backups.cluster = ceph",
            "#   store.backups.pool = backups                      (default backups; a record's container wins)",
            "");

    /** The keys and values of {@link #DEFAULTS}: every key there is, and what an absent one means. */
    private static final Map<String, Setting> DEFAULT_SETTINGS = defaultSettings();

    /**
     * Why the configuration was refused, in one sentence that names the file and, for a line's problem,
     * its number and key: {@code /etc/restore-agent/agent.conf line 3: memory_budget: not a size: 'lots'
     * (use e.g. 4096, 64MiB, 1GiB)}.
     */
    public static final class ConfigException extends Exception {
        private final Path file;
        private final int line;
        private final String key;

        /** A problem at {@code line} (1-based); {@code key} null when the line has none. */
        ConfigException(Path file, int line, String key, String problem) {
            super(file + " line " + line + ": " + problem);
            this.file = file;
            this.line = line;
            this.key = key;
        }

        /** A problem with the whole file, such as not being readable. */
        ConfigException(Path file, String problem) {
            super(file + ": " + problem);
            this.file = file;
            this.line = 0;
            this.key = null;
        }

        public Path file() {
            return file;
        }

        /** The 1-based line, or 0 when the problem is the whole file's. */
        public int line() {
            return line;
        }

        /** The key refused or whose value was, or null (a line without a key, the whole file). */
        public String key() {
            return key;
        }
    }

    /**
     * Reads {@code file}; a missing file means every default.
     *
     * @throws ConfigException when the file cannot be read, or a line is neither a comment nor a
     *     {@code key = value} with a known key given once and a valid value
     */
    public static AgentConfig load(Path file) throws ConfigException {
        Map<String, Setting> settings = new HashMap<>(DEFAULT_SETTINGS);
        settings.putAll(ConfLines.parse(lines(file), file, DEFAULT_SETTINGS.keySet()));
        return from(new ConfValues(file, settings), StoreConfig.all(file, settings));
    }

    private static List<String> lines(Path file) throws ConfigException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, "not UTF-8 text");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, "cannot read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(file, "cannot read: " + e.getMessage());
        }
    }

    private static AgentConfig from(ConfValues values, Map<String, StoreConfig> stores) throws ConfigException {
        int bufferBytes = values.read("buffer_size", ConfValues::intSize);
        int queueDepth = values.read("queue_depth", ConfValues::wholeInt);
        int decoders = values.read("decoders", ConfValues::wholeInt);
        // RestoreSettings checks each field on its own, so adding one key at a time names the key it refuses
        values.check("buffer_size", () -> settings(bufferBytes, RestoreSettings.DEFAULT_QUEUE_DEPTH, 0));
        values.check("queue_depth", () -> settings(bufferBytes, queueDepth, 0));
        RestoreSettings settings = values.check("decoders", () -> settings(bufferBytes, queueDepth, decoders))
                .withSourceReadTimeout(values.read("source_read_timeout_seconds", AgentConfig::sourceReadTimeout));
        return new AgentConfig(values.read("memory_budget", ConfValues::positiveSize), settings,
                values.read("socket", ConfValues::path), values.read("socket_group", ConfValues::optional),
                values.read("state_dir", ConfValues::path),
                values.read("ceph_conf", AgentConfig::optionalPath), values.read("ceph_id", ConfValues::required),
                values.read("ceph_keyring", AgentConfig::optionalPath),
                values.read("ceph_cluster", ConfValues::required),
                values.read("osd_op_timeout_seconds", AgentConfig::osdOpTimeout),
                values.read("rbd_zero_copy_writes", ConfValues::bool),
                values.read("allowed_uids", AgentConfig::uids),
                Set.copyOf(values.read("allowed_groups", ConfValues::list)),
                values.read("allowed_paths", AgentConfig::paths),
                values.read("job_retention_hours", AgentConfig::hours),
                values.read("metrics_listen", MetricsListen::parse), Map.copyOf(stores));
    }

    private static RestoreSettings settings(int bufferBytes, int queueDepth, int decoders) {
        return new RestoreSettings(bufferBytes, queueDepth, decoders, RestoreSettings.DEFAULT_ZSTD_WINDOW_LOG_MAX,
                false);
    }

    private static Duration osdOpTimeout(String value) {
        long seconds = ConfValues.wholeNumber(value);
        if (seconds == 0) {
            // librados' own meaning of 0: a write to a dead OSD waits forever
            throw new IllegalArgumentException("must be at least 1 (0 would let a write to a dead OSD wait forever)");
        }
        return Duration.ofSeconds(seconds);
    }

    private static Duration sourceReadTimeout(String value) {
        long seconds = ConfValues.wholeNumber(value);
        if (seconds == 0) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return Duration.ofSeconds(seconds);
    }

    private static Duration hours(String value) {
        try {
            return Duration.ofHours(ConfValues.wholeNumber(value));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too large: '" + value + "'", e);
        }
    }

    private static Path optionalPath(String value) {
        return value.isEmpty() ? null : Path.of(value);
    }

    private static Set<Integer> uids(String value) {
        return ConfValues.list(value).stream().map(uid -> {
            if (!uid.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not a uid: '" + uid + "' (names go in allowed_groups)");
            }
            return ConfValues.wholeInt(uid);
        }).collect(Collectors.toSet());
    }

    private static List<Path> paths(String value) {
        return ConfValues.list(value).stream().map(s -> Path.of(s).toAbsolutePath().normalize())
                .collect(Collectors.toList());
    }

    private static Map<String, Setting> defaultSettings() {
        try {
            return ConfLines.parse(DEFAULTS.lines().collect(Collectors.toList()), Path.of("AgentConfig.DEFAULTS"),
                    null);
        } catch (ConfigException e) {
            throw new IllegalStateException("AgentConfig.DEFAULTS is not a valid agent.conf", e);
        }
    }
}

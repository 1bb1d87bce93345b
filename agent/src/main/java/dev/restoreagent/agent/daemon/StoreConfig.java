package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.daemon.AgentConfig.ConfigException;
import dev.restoreagent.agent.daemon.ConfLines.Setting;
import dev.restoreagent.agent.source.rbd.CephStore;
import dev.restoreagent.agent.source.store.S3Settings;
import dev.restoreagent.api.BackupCluster;
import dev.restoreagent.nativeb.rados.RadosConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One object store of agent.conf, from its {@code store.<name>.<field>} lines: a request's
 * {@code store} names it. Secrets are not in agent.conf but in the files it names, read when the
 * agent starts ({@link StoreClients}); nothing of them reaches the API, the journal or the logs.
 * No class of a store's client is used here: the launcher reads agent.conf with the agent's jar alone.
 *
 * <pre>
 * store.rgw.type = s3                      # or swift
 * store.rgw.endpoint = https://rgw.example:8443
 * store.rgw.credentials_file = /etc/restore-agent/s3-credentials   # ~/.aws/credentials format
 * store.rgw.profile = default
 * store.rgw.ca_cert = /etc/ssl/certs/rgw-ca.pem
 * store.swift.type = swift
 * store.swift.auth_url = https://swift.example/auth/1.0
 * store.swift.credentials_file = /etc/restore-agent/swift-credentials   # user = ..., key = ...
 * store.ks.type = swift
 * store.ks.auth_version = 3                # Keystone v3: auth_url is Keystone's (OS_AUTH_URL)
 * store.ks.auth_url = https://keystone.example:5000/v3
 * store.ks.credentials_file = /etc/restore-agent/keystone-credentials
 *     # OS_* without OS_, lower case: username = ..., user_domain_name = ..., password = ...,
 *     # project_name = ..., project_domain_name = ..., region_name = ..., interface = ...
 * store.backups.type = ceph                # Cinder's Ceph driver: its backup_ceph_* options
 * store.backups.conf = /etc/ceph/backup.conf
 * store.backups.user = restore-agent       # read-only caps on the pool suffice
 * store.backups.keyring = /etc/ceph/backup.client.restore-agent.keyring
 * store.backups.cluster = ceph
 * store.backups.pool = backups
 * </pre>
 */
record StoreConfig(String name, Type type, URI endpoint, String region, Path credentialsFile, String profile,
                   Path caCert, Path sseCustomerKeyFile, URI authUrl, int authVersion, int maxConnections,
                   CephStore ceph) {
    /** The kinds of store. */
    enum Type { S3, SWIFT, CEPH }

    private static final Pattern KEY = Pattern.compile("store\\.([a-z0-9][a-z0-9_-]{0,63})\\.([a-z_]+)");
    private static final Set<String> S3_FIELDS = Set.of("type", "endpoint", "region", "credentials_file", "profile",
            "ca_cert", "sse_customer_key_file", "max_connections");
    private static final Set<String> SWIFT_FIELDS = Set.of("type", "auth_url", "auth_version", "credentials_file",
            "ca_cert", "max_connections");
    private static final Set<String> CEPH_FIELDS = Set.of("type", "conf", "user", "keyring", "cluster", "pool");
    private static final Set<String> FIELDS = new TreeSet<>(S3_FIELDS);

    static {
        FIELDS.addAll(SWIFT_FIELDS);
        FIELDS.addAll(CEPH_FIELDS);
    }

    /** Whether {@code key} is a store's line: {@code store.<name>.<a field of stores>}. */
    static boolean accepts(String key) {
        Matcher m = KEY.matcher(key);
        return m.matches() && FIELDS.contains(m.group(2));
    }

    /** The store keys {@code key} may have meant, for a slip's hint. */
    static Set<String> candidates(String key) {
        Matcher m = Pattern.compile("store\\.([a-z0-9][a-z0-9_-]{0,63})\\..*").matcher(key);
        return m.matches() ? FIELDS.stream().map(f -> "store." + m.group(1) + "." + f).collect(Collectors.toSet())
                : Set.of();
    }

    /** The stores the settings name, by name. */
    static Map<String, StoreConfig> all(Path file, Map<String, Setting> settings) throws ConfigException {
        Map<String, Map<String, Setting>> byName = new TreeMap<>();
        for (Map.Entry<String, Setting> entry : settings.entrySet()) {
            Matcher m = KEY.matcher(entry.getKey());
            if (m.matches()) {
                byName.computeIfAbsent(m.group(1), n -> new TreeMap<>()).put(m.group(2), entry.getValue());
            }
        }
        Map<String, StoreConfig> stores = new TreeMap<>();
        for (Map.Entry<String, Map<String, Setting>> store : byName.entrySet()) {
            stores.put(store.getKey(), of(file, store.getKey(), store.getValue()));
        }
        return stores;
    }

    private static StoreConfig of(Path file, String name, Map<String, Setting> fields) throws ConfigException {
        String prefix = "store." + name + ".";
        Setting type = fields.get("type");
        if (type == null) {
            Setting any = fields.values().iterator().next();
            throw new ConfigException(file, any.line(), prefix + "type", "store " + name + " has no " + prefix
                    + "type (s3, swift or ceph)");
        }
        Type kind;
        try {
            kind = Type.valueOf(type.value().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, type.line(), prefix + "type", prefix + "type: '" + type.value()
                    + "' is not s3, swift or ceph");
        }
        Set<String> allowed = switch (kind) {
            case S3 -> S3_FIELDS;
            case SWIFT -> SWIFT_FIELDS;
            case CEPH -> CEPH_FIELDS;
        };
        for (Map.Entry<String, Setting> field : fields.entrySet()) {
            if (!allowed.contains(field.getKey())) {
                throw new ConfigException(file, field.getValue().line(), prefix + field.getKey(), prefix
                        + field.getKey() + ": " + kind.name().toLowerCase(Locale.ROOT) + " stores have no " + field.getKey());
            }
        }
        ConfValues values = new ConfValues(file, prefixed(prefix, fields));
        if (kind == Type.CEPH) {
            String user = optional(values, prefix + "user", ConfValues::required);
            String cluster = optional(values, prefix + "cluster", ConfValues::required);
            String pool = optional(values, prefix + "pool", ConfValues::required);
            Path conf = optional(values, prefix + "conf", ConfValues::path);
            CephStore ceph = new CephStore(name, new RadosConfig(cluster == null ? BackupCluster.DEFAULT_CLUSTER
                    : cluster, user == null ? BackupCluster.DEFAULT_USER : user,
                    conf == null ? Path.of(BackupCluster.DEFAULT_CONF) : conf,
                    optional(values, prefix + "keyring", ConfValues::path), Map.of()),
                    pool == null ? BackupCluster.DEFAULT_POOL : pool);
            return new StoreConfig(name, kind, null, null, null, null, null, null, null, 0, 0, ceph);
        }
        URI endpoint = optional(values, prefix + "endpoint", StoreConfig::url);
        URI authUrl = optional(values, prefix + "auth_url", StoreConfig::url);
        Path credentials = optional(values, prefix + "credentials_file", ConfValues::path);
        Integer version = optional(values, prefix + "auth_version", ConfValues::wholeInt);
        if (version != null && version != 1 && version != 3) {
            throw new ConfigException(file, fields.get("auth_version").line(), prefix + "auth_version",
                    prefix + "auth_version: " + version + " is not 1 (v1 auth) or 3 (Keystone v3)");
        }
        if (kind == Type.SWIFT && (authUrl == null || credentials == null)) {
            throw new ConfigException(file, type.line(), prefix + "type", "swift store " + name + " needs "
                    + prefix + "auth_url and " + prefix + "credentials_file (" + (version != null && version == 3
                    ? "username = ..., password = ..., project_name = ..., their domains" : "user = ..., key = ...")
                    + ")");
        }
        Integer max = optional(values, prefix + "max_connections", ConfValues::wholeInt);
        if (max != null && max < 1) {
            throw new ConfigException(file, fields.get("max_connections").line(), prefix + "max_connections",
                    prefix + "max_connections: must be at least 1");
        }
        String region = optional(values, prefix + "region", ConfValues::required);
        String profile = optional(values, prefix + "profile", ConfValues::required);
        return new StoreConfig(name, kind, endpoint, region == null ? S3Settings.DEFAULT_REGION : region,
                credentials, profile, optional(values, prefix + "ca_cert", ConfValues::path),
                optional(values, prefix + "sse_customer_key_file", ConfValues::path), authUrl,
                version == null ? 1 : version, max == null ? S3Settings.DEFAULT_MAX_CONNECTIONS : max, null);
    }

    private static Map<String, Setting> prefixed(String prefix, Map<String, Setting> fields) {
        Map<String, Setting> out = new TreeMap<>();
        fields.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    private static <T> T optional(ConfValues values, String key, java.util.function.Function<String, T> reader)
            throws ConfigException {
        return values.has(key) ? values.read(key, reader) : null;
    }

    private static URI url(String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http or https URL: '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: '" + value + "'", e);
        }
    }
}

package dev.restoreagent.agent.source.store;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keystone v3 password auth as the {@code openstack} CLI takes it from its {@code OS_*} variables: a
 * user by name (with its domain) or id, a password, a project scope by name (with its domain) or id,
 * and which of the catalog's {@code object-store} endpoints to use.
 *
 * @param authUrl {@code OS_AUTH_URL}: Keystone's root ({@code http://keystone:5000}) or its
 *     {@code /v3}; tokens are asked of {@link #tokensUrl()}
 * @param userName {@code OS_USERNAME}, or null with {@code userId}
 * @param userId {@code OS_USER_ID}, or null
 * @param userDomainName {@code OS_USER_DOMAIN_NAME}, or null
 * @param userDomainId {@code OS_USER_DOMAIN_ID}, or null
 * @param password {@code OS_PASSWORD}
 * @param projectName {@code OS_PROJECT_NAME}, or null with {@code projectId}
 * @param projectId {@code OS_PROJECT_ID}, or null
 * @param projectDomainName {@code OS_PROJECT_DOMAIN_NAME}, or null
 * @param projectDomainId {@code OS_PROJECT_DOMAIN_ID}, or null
 * @param region {@code OS_REGION_NAME}, or null when the catalog has one region for the interface
 * @param endpointInterface {@code OS_INTERFACE}: public, internal or admin
 */
public record KeystoneSettings(URI authUrl, String userName, String userId, String userDomainName,
                               String userDomainId, String password, String projectName, String projectId,
                               String projectDomainName, String projectDomainId, String region,
                               String endpointInterface) {
    /** The fields, by the names of their {@code OS_*} variables without {@code OS_}, lower case. */
    public static final Set<String> FIELDS = Set.of("auth_type", "username", "user_id", "user_domain_name",
            "user_domain_id", "password", "project_name", "project_id", "project_domain_name", "project_domain_id",
            "region_name", "interface");
    private static final Set<String> INTERFACES = Set.of("public", "internal", "admin");

    public KeystoneSettings {
        if (authUrl == null) {
            throw new IllegalArgumentException("Keystone v3 auth needs an auth URL (OS_AUTH_URL)");
        }
        String at = "Keystone v3 auth at " + authUrl;
        if (trimSlash(authUrl.getPath()).endsWith("/v2.0")) {
            throw new IllegalArgumentException(at + ": Keystone v2.0 is not supported, give its /v3 URL");
        }
        if (userName == null && userId == null) {
            throw new IllegalArgumentException(at + " needs a user (OS_USERNAME or OS_USER_ID)");
        }
        if (userId == null && userDomainName == null && userDomainId == null) {
            throw new IllegalArgumentException(at + ": user " + userName + " needs its domain"
                    + " (OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID)");
        }
        if (password == null) {
            throw new IllegalArgumentException(at + ": user " + (userName != null ? userName : userId)
                    + " needs a password (OS_PASSWORD)");
        }
        if (projectName == null && projectId == null) {
            throw new IllegalArgumentException(at + " needs a project (OS_PROJECT_NAME or OS_PROJECT_ID):"
                    + " the Swift account is the project's");
        }
        if (projectId == null && projectDomainName == null && projectDomainId == null) {
            throw new IllegalArgumentException(at + ": project " + projectName + " needs its domain"
                    + " (OS_PROJECT_DOMAIN_NAME or OS_PROJECT_DOMAIN_ID)");
        }
        if (!INTERFACES.contains(endpointInterface)) {
            throw new IllegalArgumentException(at + ": interface '" + endpointInterface
                    + "' is not public, internal or admin (OS_INTERFACE)");
        }
    }

    /**
     * The settings from {@code OS_*}-named fields: {@code fields} maps {@link #FIELDS} (an
     * environment's {@code OS_USERNAME} as {@code username}) to values; empty values count as unset,
     * as in the {@code openstack} CLI. {@code auth_type} must be password or v3password; the
     * interface defaults to public ({@code publicURL} and the like are taken too).
     *
     * @throws IllegalArgumentException naming the field at fault, never the password's value
     */
    public static KeystoneSettings of(URI authUrl, Map<String, String> fields) {
        Set<String> unknown = new TreeSet<>(fields.keySet());
        unknown.removeAll(FIELDS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Keystone v3 auth has no field " + String.join(", ", unknown));
        }
        String authType = value(fields, "auth_type");
        if (authType != null && !authType.equals("password") && !authType.equals("v3password")) {
            throw new IllegalArgumentException("Keystone auth type '" + authType + "' (OS_AUTH_TYPE) is not"
                    + " supported: only password (v3password)");
        }
        String endpointInterface = value(fields, "interface");
        endpointInterface = endpointInterface == null ? "public"
                : endpointInterface.toLowerCase(Locale.ROOT).replaceFirst("url$", "");
        return new KeystoneSettings(authUrl, value(fields, "username"), value(fields, "user_id"),
                value(fields, "user_domain_name"), value(fields, "user_domain_id"), value(fields, "password"),
                value(fields, "project_name"), value(fields, "project_id"), value(fields, "project_domain_name"),
                value(fields, "project_domain_id"), value(fields, "region_name"), endpointInterface);
    }

    /** The settings from an environment's {@code OS_*} variables, with {@code authUrl} for OS_AUTH_URL if not null. */
    public static KeystoneSettings fromEnvironment(Map<String, String> env, URI authUrl) {
        Map<String, String> fields = new HashMap<>();
        for (String field : FIELDS) {
            String value = env.get("OS_" + field.toUpperCase(Locale.ROOT));
            if (value != null) {
                fields.put(field, value);
            }
        }
        URI url = authUrl;
        if (url == null) {
            String fromEnv = env.getOrDefault("OS_AUTH_URL", "").strip();
            if (fromEnv.isEmpty()) {
                throw new IllegalArgumentException("Keystone v3 auth needs OS_AUTH_URL or --swift-auth-url");
            }
            try {
                url = URI.create(fromEnv);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("OS_AUTH_URL is not a URL: '" + fromEnv + "'", e);
            }
        }
        return of(url, fields);
    }

    private static String value(Map<String, String> fields, String name) {
        String value = fields.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** {@code POST} here for a token: the auth URL's {@code /v3/auth/tokens}. */
    public URI tokensUrl() {
        String root = trimSlash(authUrl.toString());
        return URI.create((root.endsWith("/v3") ? root : root + "/v3") + "/auth/tokens");
    }

    /** {@code user cinder (domain Default) of project backups (domain Default)}; never the password. */
    public String who() {
        return "user " + (userName != null ? userName + " (domain " + (userDomainName != null ? userDomainName
                : userDomainId) + ")" : userId) + " of project " + (projectName != null ? projectName
                + " (domain " + (projectDomainName != null ? projectDomainName : projectDomainId) + ")" : projectId);
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        // the password stays out of logs and messages
        return "Keystone v3 at " + authUrl + ", " + who();
    }
}

package dev.restoreagent.agent.source.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach a Swift store, as Cinder's {@code backup_swift_*} options say it: v1 auth (RGW,
 * tempauth) with a user and key, or a storage URL and token (Cinder's per-user mode).
 *
 * @param authUrl {@code backup_swift_auth_url} for v1 auth ({@code .../auth/1.0}), or null
 * @param user {@code backup_swift_user}: {@code account:user}
 * @param key {@code backup_swift_key}
 * @param storageUrl the account's URL, with {@code token}, instead of auth
 * @param token an auth token for {@code storageUrl}
 * @param caCert PEM file of the CA the endpoint's certificate is checked against, or null for the JDK's
 * @param maxConnections the most objects all restores from this store read at once
 * @param sourceReadTimeout the restore's read deadline: a request waits a third of it for its
 *     response ({@link ObjectStore#readTimeout}); a free connection is waited for as long as it
 */
public record SwiftSettings(URI authUrl, String user, String key, URI storageUrl, String token, Path caCert,
                            int maxConnections, Duration sourceReadTimeout) {
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    public SwiftSettings {
        if (authUrl == null && (storageUrl == null || token == null)) {
            throw new IllegalArgumentException("Swift needs an auth URL with a user and key, or a storage URL"
                    + " and a token");
        }
        if (authUrl != null && (user == null || key == null)) {
            throw new IllegalArgumentException("Swift v1 auth at " + authUrl + " needs a user and a key");
        }
    }

    /** {@code Swift at http://127.0.0.1:7480/auth/1.0}; never a secret. */
    public String describe() {
        return "Swift at " + (authUrl != null ? authUrl : storageUrl);
    }

    @Override
    public String toString() {
        // the key and the token stay out of logs and messages
        return describe();
    }
}

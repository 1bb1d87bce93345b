package dev.restoreagent.agent.source.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach a Swift store, as Cinder's {@code backup_swift_*} options say it: v1 auth (RGW,
 * tempauth) with a user and key, Keystone v3 password auth, or a storage URL and token (Cinder's
 * per-user mode). Exactly one of the three.
 *
 * @param authUrl {@code backup_swift_auth_url} for v1 auth ({@code .../auth/1.0}), or null
 * @param user {@code backup_swift_user}: {@code account:user}
 * @param key {@code backup_swift_key}
 * @param storageUrl the account's URL, with {@code token}, instead of auth
 * @param token an auth token for {@code storageUrl}
 * @param keystone Keystone v3 auth, whose catalog gives the storage URL, or null
 * @param caCert PEM file of the CA the endpoint's certificate is checked against, or null for the JDK's
 * @param maxConnections the most objects all restores from this store read at once
 * @param sourceReadTimeout the restore's read deadline: a request waits a third of it for its
 *     response ({@link ObjectStore#readTimeout}); a free connection is waited for as long as it
 */
public record SwiftSettings(URI authUrl, String user, String key, URI storageUrl, String token,
                            KeystoneSettings keystone, Path caCert, int maxConnections, Duration sourceReadTimeout) {
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    public SwiftSettings {
        int ways = (authUrl != null ? 1 : 0) + (keystone != null ? 1 : 0) + (storageUrl != null ? 1 : 0);
        if (ways != 1 || storageUrl != null && token == null) {
            throw new IllegalArgumentException("Swift needs one of: v1 auth (an auth URL with a user and key),"
                    + " Keystone v3 auth, or a storage URL and a token");
        }
        if (authUrl != null && (user == null || key == null)) {
            throw new IllegalArgumentException("Swift v1 auth at " + authUrl + " needs a user and a key");
        }
    }

    /** {@code Swift at http://127.0.0.1:7480/auth/1.0}; never a secret. */
    public String describe() {
        return keystone != null ? "Swift through Keystone v3 at " + keystone.authUrl()
                : "Swift at " + (authUrl != null ? authUrl : storageUrl);
    }

    /** Whether a refused token can be renewed: auth gave it, not the caller. */
    public boolean renewable() {
        return storageUrl == null;
    }

    @Override
    public String toString() {
        // the key and the token stay out of logs and messages
        return describe();
    }
}

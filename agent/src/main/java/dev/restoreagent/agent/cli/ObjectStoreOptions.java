package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.source.store.KeystoneSettings;
import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreClients;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.S3Settings;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.source.store.SwiftSettings;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The Swift and S3 options of {@code restore} and {@code verify}: Cinder's backups read straight
 * from the store its S3 or Swift driver wrote them to. Secrets are best given in the environment
 * ({@code AWS_SECRET_ACCESS_KEY} or {@code ~/.aws/credentials}, {@code ST_KEY}, {@code OS_AUTH_TOKEN},
 * {@code RESTORE_AGENT_S3_SSE_CUSTOMER_KEY}), where no process listing shows them; the options that
 * take them exist because Cinder's configuration has them. Keystone v3 ({@code --swift-auth-version 3})
 * takes everything from the {@code OS_*} variables the {@code openstack} CLI uses, and is asked for
 * explicitly: an {@code OS_AUTH_URL} left in the environment of an OpenStack host does not turn an S3
 * or directory restore into a Swift one.
 */
final class ObjectStoreOptions {
    /** The name the command line's store has in its request. */
    static final String COMMAND_LINE_STORE = "command-line";

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "Read the backup from S3 at this endpoint (backup_s3_endpoint_url; path-style addressing).")
    URI s3Endpoint;

    @Option(names = "--s3-bucket", paramLabel = "NAME",
            description = "The backup's bucket (default: its export record's container, else volumebackups).")
    String s3Bucket;

    @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = S3Settings.DEFAULT_REGION,
            description = "Signing region (default: ${DEFAULT-VALUE}).")
    String s3Region;

    @Option(names = "--s3-profile", paramLabel = "NAME",
            description = "Profile of ~/.aws/credentials (default: the AWS SDK's chain: AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, then the default profile).")
    String s3Profile;

    @Option(names = "--s3-ca-cert", paramLabel = "FILE", description = "PEM file of the endpoint's CA.")
    Path s3CaCert;

    @Option(names = "--s3-sse-customer-key", paramLabel = "KEY",
            description = "backup_s3_sse_customer_key, for backups written with SSE-C (AES256); default:"
                    + " $RESTORE_AGENT_S3_SSE_CUSTOMER_KEY.")
    String s3SseCustomerKey = System.getenv("RESTORE_AGENT_S3_SSE_CUSTOMER_KEY");

    @Option(names = "--swift-auth-url", paramLabel = "URL",
            description = "Read the backup from Swift, v1 auth at this URL (backup_swift_auth_url, .../auth/1.0).")
    URI swiftAuthUrl;

    @Option(names = "--swift-auth-version", paramLabel = "1|3",
            description = "backup_swift_auth_version: 1 (default, with --swift-auth-url/--swift-user/--swift-key)"
                    + " or 3: Keystone v3 password auth from the OS_* variables of the openstack CLI (OS_AUTH_URL,"
                    + " or --swift-auth-url for it; OS_USERNAME or OS_USER_ID, OS_USER_DOMAIN_NAME/_ID,"
                    + " OS_PASSWORD, OS_PROJECT_NAME or OS_PROJECT_ID, OS_PROJECT_DOMAIN_NAME/_ID, OS_REGION_NAME,"
                    + " OS_INTERFACE); the storage URL is the catalog's object-store endpoint.")
    Integer swiftAuthVersion;

    @Option(names = "--swift-user", paramLabel = "ACCOUNT:USER", description = "v1 auth user (backup_swift_user).")
    String swiftUser;

    @Option(names = "--swift-key", paramLabel = "KEY",
            description = "v1 auth key (backup_swift_key); default: $ST_KEY, which no process listing shows.")
    String swiftKey = System.getenv("ST_KEY");

    @Option(names = "--swift-storage-url", paramLabel = "URL",
            description = "Instead of auth: the account's storage URL, with $OS_AUTH_TOKEN or --swift-token.")
    URI swiftStorageUrl;

    @Option(names = "--swift-token", paramLabel = "TOKEN",
            description = "Token for --swift-storage-url; default: $OS_AUTH_TOKEN.")
    String swiftToken = System.getenv("OS_AUTH_TOKEN");

    @Option(names = "--swift-container", paramLabel = "NAME",
            description = "The backup's container (default: its export record's container, else volumebackups).")
    String swiftContainer;

    @Option(names = "--swift-ca-cert", paramLabel = "FILE", description = "PEM file of the Swift endpoint's CA.")
    Path swiftCaCert;

    boolean s3() {
        return s3Endpoint != null || s3Bucket != null || s3Profile != null;
    }

    boolean swift() {
        return swiftAuthUrl != null || swiftStorageUrl != null || swiftContainer != null || swiftAuthVersion != null;
    }

    /** Whether the options name a store at all. */
    boolean given() {
        return s3() || swift();
    }

    /** The bucket or container the options name, or null. */
    String container() {
        return s3() ? s3Bucket : swiftContainer;
    }

    /**
     * The store the options describe, as {@link #COMMAND_LINE_STORE}; {@link Stores#NONE} when none.
     *
     * @throws IllegalArgumentException the options do not make a store (both kinds, a missing key)
     * @throws ObjectStoreException the store's client cannot be made
     */
    Stores open(Duration sourceReadTimeout) throws ObjectStoreException {
        if (!given()) {
            return Stores.NONE;
        }
        if (s3() && swift()) {
            throw new IllegalArgumentException("give the options of one store: --s3-* or --swift-*, not both");
        }
        ObjectStoreClients clients = ObjectStoreClients.installed();
        ObjectStore store;
        if (s3()) {
            store = clients.s3(new S3Settings(s3Endpoint, s3Region, null, s3Profile, s3CaCert,
                    s3SseCustomerKey == null || s3SseCustomerKey.isEmpty() ? null : s3SseCustomerKey,
                    S3Settings.DEFAULT_MAX_CONNECTIONS, sourceReadTimeout));
        } else if (swiftAuthVersion != null && swiftAuthVersion == 3) {
            if (swiftUser != null || swiftStorageUrl != null) {
                throw new IllegalArgumentException("--swift-auth-version 3 takes the user from OS_USERNAME or"
                        + " OS_USER_ID and the storage URL from Keystone's catalog: no --swift-user or"
                        + " --swift-storage-url");
            }
            store = clients.swift(new SwiftSettings(null, null, null, null, null,
                    KeystoneSettings.fromEnvironment(System.getenv(), swiftAuthUrl), swiftCaCert,
                    SwiftSettings.DEFAULT_MAX_CONNECTIONS, sourceReadTimeout));
        } else {
            if (swiftAuthVersion != null && swiftAuthVersion != 1) {
                throw new IllegalArgumentException("--swift-auth-version: " + swiftAuthVersion + " is not 1 (v1"
                        + " auth) or 3 (Keystone v3); Keystone v2 is not supported");
            }
            store = clients.swift(new SwiftSettings(swiftAuthUrl, swiftUser, swiftAuthUrl == null ? null : swiftKey,
                    swiftStorageUrl, swiftStorageUrl == null ? null : swiftToken, null, swiftCaCert,
                    SwiftSettings.DEFAULT_MAX_CONNECTIONS, sourceReadTimeout));
        }
        return new Stores(Map.of(COMMAND_LINE_STORE, store));
    }
}

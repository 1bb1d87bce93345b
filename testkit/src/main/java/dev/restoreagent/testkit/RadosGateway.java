package dev.restoreagent.testkit;

import java.net.URI;
import java.util.Objects;

/**
 * The throwaway cluster's RADOS Gateway, as {@code scripts/ceph-cluster.sh} starts it: S3 (path-style, any
 * region) at {@code endpoint} and Swift v1 auth at {@code swiftAuthUrl}, both for one user whose S3 buckets
 * and Swift containers are one namespace. Obtained from {@link CephTestCluster#rgw()}.
 *
 * @param endpoint     the S3 endpoint, {@code http://127.0.0.1:PORT}
 * @param s3AccessKey  the user's S3 access key
 * @param s3SecretKey  its secret key
 * @param swiftAuthUrl the Swift v1 auth URL, {@code ENDPOINT/auth/1.0}; it hands out the storage URL
 *                     ({@code ENDPOINT/swift/v1}) and a token
 * @param swiftUser    the Swift subuser, {@code UID:swift}
 * @param swiftKey     its Swift key
 */
public record RadosGateway(URI endpoint, String s3AccessKey, String s3SecretKey, URI swiftAuthUrl, String swiftUser,
        String swiftKey) {

    public RadosGateway {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(s3AccessKey, "s3AccessKey");
        Objects.requireNonNull(s3SecretKey, "s3SecretKey");
        Objects.requireNonNull(swiftAuthUrl, "swiftAuthUrl");
        Objects.requireNonNull(swiftUser, "swiftUser");
        Objects.requireNonNull(swiftKey, "swiftKey");
    }

    /** The endpoint's port, e.g. for a {@link CuttingProxy} in front of the gateway. */
    public int port() {
        return endpoint.getPort();
    }

    // the keys stay out of test reports and logs
    @Override
    public String toString() {
        return "RadosGateway[endpoint=" + endpoint + ", swiftAuthUrl=" + swiftAuthUrl + ", swiftUser=" + swiftUser
                + "]";
    }
}

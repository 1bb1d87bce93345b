package dev.restoreagent.agent.source.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach an S3 store, as Cinder's {@code backup_s3_*} options say it.
 *
 * @param endpoint {@code backup_s3_endpoint_url}; null for AWS itself (addressed by region)
 * @param region the signing region (us-east-1 for most non-AWS stores)
 * @param credentialsFile an AWS credentials file to read the keys from (the daemon's
 *     {@code credentials_file}), or null for the SDK's standard chain: environment, system properties,
 *     {@code ~/.aws/credentials}, ...
 * @param profile the profile to use: of {@code credentialsFile} ({@code default} when null), or of
 *     {@code ~/.aws/credentials}; null for the chain's choice
 * @param caCert PEM file of the CA the endpoint's certificate is checked against, or null for the JDK's
 * @param sseCustomerKey {@code backup_s3_sse_customer_key}, or null
 * @param maxConnections the most connections all restores from this store hold at once
 * @param sourceReadTimeout the restore's read deadline: a read that stalls a third of it is resumed
 *     ({@link ObjectStore#readTimeout}); a free connection is waited for as long as it
 */
public record S3Settings(URI endpoint, String region, Path credentialsFile, String profile, Path caCert,
                         String sseCustomerKey, int maxConnections, Duration sourceReadTimeout) {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    /** {@code S3 at http://127.0.0.1:7480}; never a secret. */
    public String describe() {
        return "S3 at " + (endpoint != null ? endpoint.toString() : "AWS region " + region);
    }

    @Override
    public String toString() {
        // the credentials and the SSE key stay out of logs and messages
        return describe();
    }
}

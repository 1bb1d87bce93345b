package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.NoSuchObjectException;
import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.S3Settings;
import dev.restoreagent.agent.source.store.StoredDigest;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Cinder's S3 backups ({@code cinder.backup.drivers.s3.S3BackupDriver}) through the AWS SDK for
 * Java v2: it signs, and retries the first GET of an object; a GET cut in the middle is resumed by
 * {@link ResumingChannel}. One SDK client per store, whose connection pool bounds the connections
 * of every restore reading from it.
 */
public final class S3Store implements ObjectStore {
    private final S3Settings settings;
    private final S3Client s3;
    private final SseCustomerKey sse;

    private S3Store(S3Settings settings, S3Client s3) {
        this.settings = settings;
        this.s3 = s3;
        this.sse = settings.sseCustomerKey() == null ? null : new SseCustomerKey(settings.sseCustomerKey());
    }

    /**
     * Makes the client; nothing is sent until a container is read.
     *
     * @throws ObjectStoreException the settings cannot make a client (a CA file that is not one, a bad profile)
     */
    public static S3Store open(S3Settings settings) throws ObjectStoreException {
        try {
            Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                    .maxConnections(settings.maxConnections())
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(ObjectStore.readTimeout(settings.sourceReadTimeout()))
                    // many restores share the pool: waiting for a connection is not a stall
                    .connectionAcquisitionTimeout(settings.sourceReadTimeout());
            if (settings.caCert() != null) {
                http.tlsTrustManagersProvider(CaCertificates.trustManagers(settings.caCert()));
            }
            S3ClientBuilder builder = S3Client.builder().httpClientBuilder(http)
                    .region(Region.of(settings.region()))
                    .credentialsProvider(credentials(settings));
            if (settings.endpoint() != null) {
                // RGW, MinIO and the like: no virtual-host buckets on an address
                builder.endpointOverride(settings.endpoint()).forcePathStyle(true);
            }
            return new S3Store(settings, builder.build());
        } catch (SdkException | IllegalArgumentException e) {
            throw new ObjectStoreException("cannot set up the S3 client for " + settings.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The credentials {@code settings} name, those of a credentials file read and checked now. */
    private static AwsCredentialsProvider credentials(S3Settings settings) throws ObjectStoreException {
        Path file = settings.credentialsFile();
        if (file != null) {
            String profile = settings.profile() == null ? "default" : settings.profile();
            try {
                ProfileCredentialsProvider credentials = ProfileCredentialsProvider.builder()
                        .profileFile(ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build())
                        .profileName(profile).build();
                credentials.resolveCredentials();
                return credentials;
            } catch (SdkException | IllegalArgumentException e) {
                throw new ObjectStoreException("credentials_file " + file + " has no usable profile " + profile
                        + ": " + e.getMessage(), e);
            }
        }
        if (settings.profile() != null) {
            return ProfileCredentialsProvider.create(settings.profile());
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public BackupContainer container(String name) {
        return new Bucket(name);
    }

    @Override
    public SortedSet<String> containers() throws IOException {
        SortedSet<String> names = new TreeSet<>();
        try {
            s3.listBucketsPaginator().buckets().forEach(bucket -> names.add(bucket.name()));
        } catch (SdkException e) {
            throw failure(e, "list the buckets of " + settings.describe(), null);
        }
        return names;
    }

    @Override
    public void close() {
        s3.close();
    }

    /** One bucket. */
    private final class Bucket implements BackupContainer {
        private final String bucket;

        Bucket(String bucket) {
            this.bucket = bucket;
        }

        @Override
        public String describe() {
            return "S3 bucket " + bucket + " at " + settings.describe();
        }

        @Override
        public String describe(String key) {
            return "s3://" + bucket + "/" + key;
        }

        @Override
        public SortedSet<String> list(String prefix) throws IOException {
            SortedSet<String> keys = new TreeSet<>();
            try {
                for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                    keys.add(object.key());
                }
                return keys;
            } catch (SdkException e) {
                throw failure(e, "list " + describe(prefix) + "*", bucket);
            }
        }

        @Override
        public boolean exists(String key) throws IOException {
            try {
                s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).applyMutation(this::sseHead).build());
                return true;
            } catch (NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw failure(e, "look for " + describe(key), bucket);
            } catch (SdkException e) {
                throw failure(e, "look for " + describe(key), bucket);
            }
        }

        @Override
        public int readerBytes() {
            return StreamBody.HELD_BYTES;
        }

        /** {@inheritDoc} The ETag is the stored bytes' MD5 except with SSE-C, where it is never checked. */
        @Override
        public ReadableByteChannel open(String key, StoredDigest digest) throws IOException {
            String name = describe(key);
            return ResumingChannel.open(name, (from, ifMatch) -> get(key, from, ifMatch),
                    sse == null && digest == StoredDigest.CHECK);
        }

        private RangedGet.Body get(String key, long from, String ifMatch) throws IOException {
            GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key)
                    .applyMutation(this::sseGet);
            if (from > 0) {
                request.range("bytes=" + from + "-");
            }
            if (ifMatch != null) {
                request.ifMatch("\"" + ifMatch + "\"");
            }
            try {
                ResponseInputStream<GetObjectResponse> in = s3.getObject(request.build());
                GetObjectResponse response = in.response();
                long length = response.contentLength() == null ? -1 : from + response.contentLength();
                // the SDK's sync client gives its body only as a stream: through StreamBody's array
                return new RangedGet.Body(new StreamBody(in), length, unquoted(response.eTag()), in::abort);
            } catch (SdkException e) {
                throw failure(e, "read " + describe(key) + (from > 0 ? " from byte " + from : ""), bucket);
            }
        }

        private void sseGet(GetObjectRequest.Builder request) {
            if (sse != null) {
                sse.get(request);
            }
        }

        private void sseHead(HeadObjectRequest.Builder request) {
            if (sse != null) {
                sse.head(request);
            }
        }
    }

    /** {@code e} as what this store throws; {@code bucket} is the one asked of, or null. */
    private IOException failure(SdkException e, String what, String bucket) {
        if (e instanceof S3Exception s3e) {
            String code = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            String why = "cannot " + what + ": HTTP " + s3e.statusCode() + (code == null ? "" : " " + code);
            return switch (s3e.statusCode()) {
                case 404 -> new NoSuchObjectException(why + ("NoSuchBucket".equals(code)
                        && bucket != null ? " (no bucket " + bucket + ")" : ""));
                case 403 -> new ObjectStoreException(why + " (the access key, its secret or its rights"
                        + (sse != null ? ", or the SSE customer key" : "") + ")");
                // an object written with SSE-C refuses a request without its key so
                case 400 -> new ObjectStoreException(why + (sse == null
                        ? " (an object written with SSE-C needs its key: --s3-sse-customer-key)" : ""));
                case 401, 412, 416 -> new ObjectStoreException(why);
                default -> new IOException(why, e);
            };
        }
        if (e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().contains("Unable to load credentials")) {
            return new ObjectStoreException("cannot " + what + ": no S3 credentials (set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, or name a profile of ~/.aws/credentials)", e);
        }
        return new IOException("cannot " + what + ": " + e.getMessage(), e);
    }

    private static String unquoted(String etag) {
        if (etag == null) {
            return null;
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    /**
     * Cinder's {@code backup_s3_sse_customer_key}: the key itself as text, which boto3 sends base64
     * encoded with its MD5; the SDK wants both encoded already.
     */
    private static final class SseCustomerKey {
        private final String keyBase64;
        private final String keyMd5Base64;

        SseCustomerKey(String key) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            this.keyBase64 = Base64.getEncoder().encodeToString(bytes);
            try {
                this.keyMd5Base64 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java has MD5", e);
            }
        }

        void get(GetObjectRequest.Builder request) {
            request.sseCustomerAlgorithm("AES256").sseCustomerKey(keyBase64).sseCustomerKeyMD5(keyMd5Base64);
        }

        void head(HeadObjectRequest.Builder request) {
            request.sseCustomerAlgorithm("AES256").sseCustomerKey(keyBase64).sseCustomerKeyMD5(keyMd5Base64);
        }
    }
}

package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.ObjectStoreException;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** Trust in the CA certificates of a PEM file, for a store with a private CA ({@code --s3-ca-cert}). */
public final class CaCertificates {
    private CaCertificates() {
    }

    /** The trust managers of {@code pem}'s certificates, for the SDK's HTTP client. */
    static TlsTrustManagersProvider trustManagers(Path pem) throws ObjectStoreException {
        TrustManager[] managers = load(pem);
        return () -> managers;
    }

    /** The trust managers of {@code pem}'s certificates. */
    public static TrustManager[] load(Path pem) throws ObjectStoreException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ObjectStoreException("CA file " + pem + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read CA file " + pem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ObjectStoreException("CA file " + pem + " is not PEM certificates: " + e.getMessage(), e);
        }
    }
}

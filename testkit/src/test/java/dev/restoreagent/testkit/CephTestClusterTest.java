package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** How tests find the gateway, over a made-up environment. */
class CephTestClusterTest {
    private static Map<String, String> gatewayEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("RGW_ENDPOINT", "http://127.0.0.1:21002");
        env.put("RGW_S3_ACCESS_KEY", "AKEXAMPLE");
        env.put("RGW_S3_SECRET_KEY", "SECRETEXAMPLE");
        env.put("RGW_SWIFT_AUTH_URL", "http://127.0.0.1:21002/auth/1.0");
        env.put("RGW_SWIFT_USER", "restore-test:swift");
        env.put("RGW_SWIFT_KEY", "SWIFTKEYEXAMPLE");
        return env;
    }

    @Test
    void readsEveryValueOfTheGateway() {
        RadosGateway rgw = CephTestCluster.rgw(gatewayEnv()::get);
        assertThat(rgw).isEqualTo(new RadosGateway(URI.create("http://127.0.0.1:21002"), "AKEXAMPLE",
                "SECRETEXAMPLE", URI.create("http://127.0.0.1:21002/auth/1.0"), "restore-test:swift",
                "SWIFTKEYEXAMPLE"));
        assertThat(rgw.port()).isEqualTo(21002);
    }

    @Test
    void keysStayOutOfToString() {
        assertThat(CephTestCluster.rgw(gatewayEnv()::get).toString()).contains("21002", "restore-test:swift")
                .doesNotContain("AKEXAMPLE", "SECRETEXAMPLE", "SWIFTKEYEXAMPLE");
    }

    @Test
    void aMissingGatewaySkipsOutsideCi() {
        Map<String, String> env = gatewayEnv();
        env.remove("RGW_S3_SECRET_KEY");
        env.put("RGW_SWIFT_KEY", "");
        assertThatThrownBy(() -> CephTestCluster.rgw(env::get)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no RADOS Gateway: RGW_S3_SECRET_KEY, RGW_SWIFT_KEY are unset");
    }

    @Test
    void aMissingGatewayFailsUnderCi() {
        Map<String, String> env = new HashMap<>(Map.of("CI", "true"));
        assertThatThrownBy(() -> CephTestCluster.rgw(env::get)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("CI=true, and no RADOS Gateway: RGW_ENDPOINT, RGW_S3_ACCESS_KEY,")
                .hasMessageContaining("CEPH_DEV_RGW=0 leaves it out");
    }

    @Test
    void aMalformedUrlFailsEvenOutsideCi() {
        Map<String, String> env = gatewayEnv();
        env.put("RGW_SWIFT_AUTH_URL", "127.0.0.1:21002/auth/1.0");
        assertThatThrownBy(() -> CephTestCluster.rgw(env::get)).isInstanceOf(AssertionError.class)
                .hasMessage("RGW_SWIFT_AUTH_URL is not an http URL with a host and a port: 127.0.0.1:21002/auth/1.0");
    }
}

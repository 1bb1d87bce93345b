package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.KeystoneSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OS_* fields as the openstack CLI takes them, the token request's JSON, and the choice of the
 * catalog's object-store endpoint; KeystoneSwiftCephTest does the same against a real Keystone.
 */
class KeystoneAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI AUTH = URI.create("http://keystone.example:5000/v3");
    /** The shape of a Keystone v3 token response's catalog (region and region_id both, as Keystone gives them). */
    private static final String CATALOG = """
            {"token": {"methods": ["password"], "catalog": [
              {"type": "identity", "name": "keystone", "endpoints": [
                {"interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://k/v3"}]},
              {"type": "object-store", "name": "swift", "endpoints": [
                {"interface": "public", "region_id": "RegionOne", "region": "RegionOne",
                 "url": "http://one/v1/AUTH_p/"},
                {"interface": "internal", "region_id": "RegionOne", "region": "RegionOne",
                 "url": "http://one-int/v1/AUTH_p"},
                {"interface": "public", "region_id": "RegionTwo", "region": "RegionTwo",
                 "url": "http://two/v1/AUTH_p"}]}]}}
            """;

    private static Map<String, String> openrc() {
        return new HashMap<>(Map.of("username", "cinder", "user_domain_name", "Default", "password", "s3cret",
                "project_name", "backups", "project_domain_name", "Default"));
    }

    @Test
    void theRequestScopesTheUserToTheProjectByNameOrById() throws Exception {
        JsonNode byName = JSON.readTree(KeystoneAuth.request(KeystoneSettings.of(AUTH, openrc())));
        assertThat(byName.at("/auth/identity/methods/0").asText()).isEqualTo("password");
        assertThat(byName.at("/auth/identity/password/user")).isEqualTo(JSON.readTree(
                "{\"name\":\"cinder\",\"domain\":{\"name\":\"Default\"},\"password\":\"s3cret\"}"));
        assertThat(byName.at("/auth/scope/project")).isEqualTo(JSON.readTree(
                "{\"name\":\"backups\",\"domain\":{\"name\":\"Default\"}}"));

        Map<String, String> ids = new HashMap<>(Map.of("user_id", "u1", "password", "s3cret", "project_id", "p1"));
        JsonNode byId = JSON.readTree(KeystoneAuth.request(KeystoneSettings.of(AUTH, ids)));
        assertThat(byId.at("/auth/identity/password/user")).isEqualTo(JSON.readTree(
                "{\"id\":\"u1\",\"password\":\"s3cret\"}"));
        assertThat(byId.at("/auth/scope/project")).isEqualTo(JSON.readTree("{\"id\":\"p1\"}"));

        Map<String, String> domainIds = openrc();
        domainIds.remove("user_domain_name");
        domainIds.put("user_domain_id", "default");
        assertThat(JSON.readTree(KeystoneAuth.request(KeystoneSettings.of(AUTH, domainIds)))
                .at("/auth/identity/password/user/domain")).isEqualTo(JSON.readTree("{\"id\":\"default\"}"));
    }

    @Test
    void tokensAreAskedOfTheV3Root() {
        assertThat(KeystoneSettings.of(AUTH, openrc()).tokensUrl())
                .hasToString("http://keystone.example:5000/v3/auth/tokens");
        assertThat(KeystoneSettings.of(URI.create("http://k:5000/"), openrc()).tokensUrl())
                .hasToString("http://k:5000/v3/auth/tokens");
        assertThat(KeystoneSettings.of(URI.create("http://k/identity/v3/"), openrc()).tokensUrl())
                .hasToString("http://k/identity/v3/auth/tokens");
    }

    @Test
    void theEndpointIsTheInterfacesInTheRegion() throws Exception {
        Map<String, String> os = openrc();
        os.put("region_name", "RegionOne");
        assertThat(KeystoneAuth.storageUrl(CATALOG, KeystoneSettings.of(AUTH, os))).isEqualTo("http://one/v1/AUTH_p/");
        os.put("interface", "internalURL");
        assertThat(KeystoneAuth.storageUrl(CATALOG, KeystoneSettings.of(AUTH, os)))
                .isEqualTo("http://one-int/v1/AUTH_p");
        // one region offers the interface: no region needed
        os.remove("region_name");
        assertThat(KeystoneAuth.storageUrl(CATALOG, KeystoneSettings.of(AUTH, os)))
                .isEqualTo("http://one-int/v1/AUTH_p");
    }

    @Test
    void aCatalogWithoutTheEndpointIsRefusedSayingWhatItHas() {
        Map<String, String> os = openrc();
        assertThatThrownBy(() -> KeystoneAuth.storageUrl(CATALOG, KeystoneSettings.of(AUTH, os)))
                .hasMessage("Keystone at " + AUTH + " gave user cinder (domain Default) of project backups"
                        + " (domain Default) object-store endpoints in regions RegionOne, RegionTwo: set"
                        + " OS_REGION_NAME to one");
        os.put("region_name", "RegionThree");
        assertThatThrownBy(() -> KeystoneAuth.storageUrl(CATALOG, KeystoneSettings.of(AUTH, os)))
                .hasMessage("Keystone at " + AUTH + " gave user cinder (domain Default) of project backups"
                        + " (domain Default) no object-store endpoint public in region RegionThree (there are:"
                        + " internal in RegionOne, public in RegionOne, public in RegionTwo; OS_INTERFACE and"
                        + " OS_REGION_NAME choose)");
        assertThatThrownBy(() -> KeystoneAuth.storageUrl("{\"token\":{\"catalog\":[]}}",
                KeystoneSettings.of(AUTH, openrc())))
                .hasMessageEndingWith("no object-store endpoint public (its catalog has no object-store service)");
    }

    @Test
    void missingOrUnsupportedFieldsAreNamedAndThePasswordNever() {
        Map<String, String> noDomain = openrc();
        noDomain.remove("user_domain_name");
        assertThatThrownBy(() -> KeystoneSettings.of(AUTH, noDomain)).hasMessage("Keystone v3 auth at " + AUTH
                + ": user cinder needs its domain (OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID)");
        Map<String, String> noProject = openrc();
        noProject.remove("project_name");
        assertThatThrownBy(() -> KeystoneSettings.of(AUTH, noProject)).hasMessageContaining(
                "needs a project (OS_PROJECT_NAME or OS_PROJECT_ID)");
        Map<String, String> noPassword = openrc();
        noPassword.put("password", "");
        assertThatThrownBy(() -> KeystoneSettings.of(AUTH, noPassword)).hasMessageEndingWith(
                "user cinder needs a password (OS_PASSWORD)");
        Map<String, String> token = openrc();
        token.put("auth_type", "v3token");
        assertThatThrownBy(() -> KeystoneSettings.of(AUTH, token)).hasMessage(
                "Keystone auth type 'v3token' (OS_AUTH_TYPE) is not supported: only password (v3password)");
        Map<String, String> v3password = openrc();
        v3password.put("auth_type", "v3password");
        assertThat(KeystoneSettings.of(AUTH, v3password).endpointInterface()).isEqualTo("public");
        assertThatThrownBy(() -> KeystoneSettings.of(URI.create("http://k:5000/v2.0"), openrc()))
                .hasMessageContaining("Keystone v2.0 is not supported");
        assertThat(KeystoneSettings.of(AUTH, openrc()).toString()).doesNotContain("s3cret");
    }

    @Test
    void theEnvironmentsOsVariablesAreTheFields() {
        Map<String, String> env = Map.of("OS_AUTH_URL", "http://k:5000/v3", "OS_USERNAME", "cinder",
                "OS_USER_DOMAIN_NAME", "Default", "OS_PASSWORD", "s3cret", "OS_PROJECT_ID", "p1",
                "OS_REGION_NAME", "RegionTwo", "OS_INTERFACE", "admin", "OS_CLOUD", "ignored");
        KeystoneSettings s = KeystoneSettings.fromEnvironment(env, null);
        assertThat(s.authUrl()).hasToString("http://k:5000/v3");
        assertThat(s.projectId()).isEqualTo("p1");
        assertThat(s.region()).isEqualTo("RegionTwo");
        assertThat(s.endpointInterface()).isEqualTo("admin");
        assertThat(KeystoneSettings.fromEnvironment(env, URI.create("http://other/v3")).authUrl())
                .hasToString("http://other/v3");
        assertThatThrownBy(() -> KeystoneSettings.fromEnvironment(Map.of("OS_USERNAME", "cinder"), null))
                .hasMessage("Keystone v3 auth needs OS_AUTH_URL or --swift-auth-url");
    }
}

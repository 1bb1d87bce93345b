package dev.restoreagent.stores;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreagent.agent.source.store.KeystoneSettings;
import dev.restoreagent.agent.source.store.ObjectStoreException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keystone v3 password auth's JSON ({@code POST /v3/auth/tokens}): the request for a project-scoped
 * token, and the storage URL that the token's catalog gives for the {@code object-store} service at
 * the settings' interface and region. The token itself comes in the {@code X-Subject-Token} header.
 */
final class KeystoneAuth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeystoneAuth() {
    }

    /** The body of the token request; it holds the password, so it is never logged. */
    static String request(KeystoneSettings s) {
        ObjectNode auth = JSON.createObjectNode();
        ObjectNode identity = auth.putObject("auth").putObject("identity");
        identity.putArray("methods").add("password");
        ObjectNode user = identity.putObject("password").putObject("user");
        if (s.userId() != null) {
            user.put("id", s.userId());
        } else {
            user.put("name", s.userName());
            domain(user, s.userDomainName(), s.userDomainId());
        }
        user.put("password", s.password());
        ObjectNode project = ((ObjectNode) auth.get("auth")).putObject("scope").putObject("project");
        if (s.projectId() != null) {
            project.put("id", s.projectId());
        } else {
            project.put("name", s.projectName());
            domain(project, s.projectDomainName(), s.projectDomainId());
        }
        return auth.toString();
    }

    private static void domain(ObjectNode owner, String name, String id) {
        if (id != null) {
            owner.putObject("domain").put("id", id);
        } else {
            owner.putObject("domain").put("name", name);
        }
    }

    /**
     * The URL of the catalog's {@code object-store} endpoint for the interface and region: the one
     * endpoint there is, or with no region set, the one region's.
     *
     * @param body the token response's JSON
     * @throws ObjectStoreException there is no such endpoint, or more than one and no region to choose
     */
    static String storageUrl(String body, KeystoneSettings s) throws ObjectStoreException {
        String at = "Keystone at " + s.authUrl() + " gave " + s.who();
        JsonNode catalog;
        try {
            catalog = JSON.readTree(body).path("token").path("catalog");
        } catch (IOException e) {
            throw new ObjectStoreException(at + " a token whose body is not JSON: " + e.getMessage(), e);
        }
        if (!catalog.isArray()) {
            throw new ObjectStoreException(at + " a token without a service catalog");
        }
        List<JsonNode> matches = new ArrayList<>();
        Set<String> offered = new TreeSet<>();
        for (JsonNode service : catalog) {
            if (!"object-store".equals(service.path("type").asText())) {
                continue;
            }
            for (JsonNode endpoint : service.path("endpoints")) {
                String region = region(endpoint);
                String endpointInterface = endpoint.path("interface").asText();
                offered.add(endpointInterface + " in " + region);
                if (endpointInterface.equals(s.endpointInterface())
                        && (s.region() == null || s.region().equals(region))) {
                    matches.add(endpoint);
                }
            }
        }
        if (matches.isEmpty()) {
            throw new ObjectStoreException(at + " no object-store endpoint " + s.endpointInterface()
                    + (s.region() != null ? " in region " + s.region() : "") + (offered.isEmpty()
                    ? " (its catalog has no object-store service)" : " (there are: " + String.join(", ", offered)
                    + "; OS_INTERFACE and OS_REGION_NAME choose)"));
        }
        Set<String> regions = new TreeSet<>();
        matches.forEach(e -> regions.add(region(e)));
        if (regions.size() > 1) {
            throw new ObjectStoreException(at + " object-store endpoints in regions " + String.join(", ", regions)
                    + ": set OS_REGION_NAME to one");
        }
        String url = matches.get(0).path("url").asText("");
        if (url.isEmpty()) {
            throw new ObjectStoreException(at + " an object-store endpoint without a URL");
        }
        return url;
    }

    private static String region(JsonNode endpoint) {
        // region_id since Keystone v3.2; region, its deprecated name, in older catalogs
        String id = endpoint.path("region_id").asText("");
        return id.isEmpty() ? endpoint.path("region").asText("") : id;
    }
}

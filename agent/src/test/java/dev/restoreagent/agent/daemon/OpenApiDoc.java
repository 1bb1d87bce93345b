package dev.restoreagent.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code docs/openapi.yaml} as the contract test reads it: the responses each operation documents, and
 * their schemas in OpenAPI 3.0's dialect of JSON Schema. The schemas are read closed: an object schema
 * that lists its properties and says nothing of others is taken to allow no others, so that a field the
 * daemon sends and the document does not name fails too.
 */
final class OpenApiDoc {
    // where the schemas say they are; the registry gets the document from memory, never from here
    private static final String IRI = "https://restore-agent.invalid/docs/openapi.json";

    private final JsonNode doc;
    private final SchemaRegistry registry;

    private OpenApiDoc(JsonNode doc) throws IOException {
        this.doc = doc;
        String json = new ObjectMapper().writeValueAsString(doc);
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi30(), builder -> builder.schemas(Map.of(IRI, json)));
    }

    static OpenApiDoc load(Path file) throws IOException {
        JsonNode doc = new YAMLMapper().readTree(file.toFile());
        doc.path("components").path("schemas").forEach(OpenApiDoc::close);
        doc.path("components").path("responses").forEach(OpenApiDoc::closeContent);
        doc.path("paths").forEach(path -> path.forEach(operation -> operation.path("responses")
                .forEach(OpenApiDoc::closeContent)));
        return new OpenApiDoc(doc);
    }

    /** The statuses documented for {@code method} on {@code path}, as the document spells the path. */
    Set<String> statuses(String method, String path) {
        Set<String> statuses = new TreeSet<>();
        operation(method, path).path("responses").fieldNames().forEachRemaining(statuses::add);
        return statuses;
    }

    /**
     * The response documented for {@code status}, its {@code $ref} followed, as a JSON pointer into the
     * document; null when the operation does not list that status.
     */
    String response(String method, String path, int status) {
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
        JsonNode response = doc.at(pointer);
        if (response.isMissingNode()) {
            return null;
        }
        JsonNode ref = response.get("$ref");
        return ref == null ? pointer : ref.asText().substring(1);
    }

    /** The node at {@code pointer}. */
    JsonNode at(String pointer) {
        return doc.at(pointer);
    }

    /** Where {@code body} breaks the schema of response {@code responsePointer} for {@code mediaType}. */
    List<Error> validate(String responsePointer, String mediaType, JsonNode body) {
        Schema schema = registry.getSchema(SchemaLocation.of(IRI + "#" + responsePointer + "/content/"
                + escape(mediaType) + "/schema"));
        return schema.validate(body);
    }

    private JsonNode operation(String method, String path) {
        JsonNode operation = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            throw new IllegalArgumentException("docs/openapi.yaml has no operation " + method + " " + path);
        }
        return operation;
    }

    private static void closeContent(JsonNode response) {
        response.path("content").forEach(media -> close(media.path("schema")));
    }

    /** Closes {@code schema} and every schema inside it (see the class comment). */
    private static void close(JsonNode schema) {
        if (!(schema instanceof ObjectNode object)) {
            return;
        }
        if (object.has("properties") && !object.has("additionalProperties")) {
            object.put("additionalProperties", false);
        }
        object.path("properties").forEach(OpenApiDoc::close);
        close(object.path("items"));
        close(object.path("additionalProperties"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            object.path(combinator).forEach(OpenApiDoc::close);
        }
    }

    /** {@code text} as one JSON pointer segment. */
    private static String escape(String text) {
        return text.replace("~", "~0").replace("/", "~1");
    }
}

package dev.restoreagent.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** What every answer of the control API must be, whatever was asked. */
final class ApiAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code 100 Continue}: the go-ahead for a body, which has none of its own. */
    private static final int CONTINUE = 100;

    private ApiAnswers() {
    }

    /** A status below 500; an error with the API's JSON body (unless asked with HEAD): its message and status. */
    static void check(LiveAgent.Answer answer) throws JsonProcessingException {
        assertThat(answer.status()).as("status of an answer with body %s", answer.body()).isLessThan(500);
        if (answer.status() >= 400 && answer.body() != null) {
            assertThat(answer.contentType()).isEqualTo("application/json");
            JsonNode error = JSON.readTree(answer.body());
            assertThat(error.path("error").isTextual()).as(answer.body()).isTrue();
            assertThat(error.path("status").asInt()).isEqualTo(answer.status());
        } else if (answer.status() != CONTINUE) {
            assertThat(answer.contentType()).isNotNull();
        }
    }
}

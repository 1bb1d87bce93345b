package dev.restoreagent.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * monitoring/: the alert rules pass {@code promtool check rules} and their unit tests
 * ({@code promtool test rules}); the Grafana dashboard is JSON with its panels. That they use only
 * metrics the agent exposes is {@link MetricsEndpointTest}'s to check, against a live scrape.
 */
class MonitoringFilesTest {
    private static final Path MONITORING = Path.of(System.getProperty("restore.agent.home", ".."), "monitoring")
            .toAbsolutePath().normalize();

    @Test
    void theAlertRulesAreValid() throws Exception {
        Promtool.accepts(MONITORING, null, "check", "rules", "restore-agent-alerts.yml");
    }

    @Test
    void theAlertsFireWhenTheirUnitTestsSayTheyShould() throws Exception {
        Promtool.accepts(MONITORING, null, "test", "rules", "restore-agent-alerts.test.yml");
    }

    @Test
    void theDashboardIsGrafanaJsonWithPanelsThatQueryPrometheus() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("restore-agent-dashboard.json").toFile());

        assertThat(dashboard.get("uid").asText()).isEqualTo("restore-agent");
        assertThat(dashboard.get("panels")).isNotEmpty().allSatisfy(panel -> {
            assertThat(panel.get("datasource").get("type").asText()).isEqualTo("prometheus");
            assertThat(panel.get("targets")).isNotEmpty().allSatisfy(t -> assertThat(t.get("expr").asText()).isNotBlank());
        });
    }
}

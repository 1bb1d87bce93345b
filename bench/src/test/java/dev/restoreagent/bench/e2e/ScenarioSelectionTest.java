package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioSelectionTest {
    @Test
    void allIsEverySection() {
        ScenarioSelection all = ScenarioSelection.parse("all");
        assertThat(all.everything()).isTrue();
        assertThat(all.sections()).isEqualTo("sections 1 to 5");
    }

    @Test
    void aListNamesSectionsFourAndFiveInAnyOrder() {
        assertThat(ScenarioSelection.parse("s3")).isEqualTo(new ScenarioSelection(false, false, true))
                .satisfies(s -> assertThat(s.sections()).isEqualTo("section 5"));
        assertThat(ScenarioSelection.parse("cinder")).isEqualTo(new ScenarioSelection(false, true, false));
        ScenarioSelection both = ScenarioSelection.parse("s3, cinder");
        assertThat(both).isEqualTo(new ScenarioSelection(false, true, true));
        assertThat(both.everything()).isFalse();
        assertThat(both.sections()).isEqualTo("sections 4 and 5");
    }

    @Test
    void anUnknownNameOrAllInAListIsRefused() {
        assertThatThrownBy(() -> ScenarioSelection.parse("cinder,swift"))
                .hasMessage("--scenarios: all, or a comma-separated list of cinder and s3, not 'cinder,swift'");
        assertThatThrownBy(() -> ScenarioSelection.parse("all,s3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScenarioSelection.parse("cinder,")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioSelectionTest {
    @Test
    void allIsEverySection() {
        ScenarioSelection all = ScenarioSelection.parse("all");
        assertThat(all).isEqualTo(new ScenarioSelection(true, true, true, true));
        assertThat(all.everything()).isTrue();
        assertThat(all.sections()).isEqualTo("sections 1 to 6");
    }

    @Test
    void aListNamesSectionsFourToSixInAnyOrder() {
        assertThat(ScenarioSelection.parse("s3")).isEqualTo(new ScenarioSelection(false, false, true, false))
                .satisfies(s -> assertThat(s.sections()).isEqualTo("section 5"));
        assertThat(ScenarioSelection.parse("cinder")).isEqualTo(new ScenarioSelection(false, true, false, false));
        assertThat(ScenarioSelection.parse("ceph")).isEqualTo(new ScenarioSelection(false, false, false, true))
                .satisfies(s -> assertThat(s.sections()).isEqualTo("section 6"));
        ScenarioSelection both = ScenarioSelection.parse("s3, cinder");
        assertThat(both).isEqualTo(new ScenarioSelection(false, true, true, false));
        assertThat(both.everything()).isFalse();
        assertThat(both.sections()).isEqualTo("sections 4 and 5");
        ScenarioSelection three = ScenarioSelection.parse("ceph,s3,cinder");
        assertThat(three.everything()).isFalse(); // sections 1 to 3 only run with all
        assertThat(three.sections()).isEqualTo("sections 4, 5 and 6");
    }

    @Test
    void anUnknownNameOrAllInAListIsRefused() {
        assertThatThrownBy(() -> ScenarioSelection.parse("cinder,swift"))
                .hasMessage("--scenarios: all, or a comma-separated list of cinder, s3 and ceph, not 'cinder,swift'");
        assertThatThrownBy(() -> ScenarioSelection.parse("all,s3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScenarioSelection.parse("cinder,")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.restoreagent.agent.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line a start builds: only what its arguments need. */
class AgentMainTest {
    @Test
    void aSubcommandGetsARootWithItAloneAndHelpOrAnythingElseTheWholeTree() {
        assertThat(AgentMain.commandLine("list", "--output", "json").getSubcommands()).containsOnlyKeys("list");
        assertThat(AgentMain.commandLine("warm-up").getSubcommands()).containsOnlyKeys("warm-up");
        assertThat(AgentMain.commandLine("list").getCommandName()).isEqualTo("restore-agent");

        assertThat(AgentMain.commandLine("--help").getSubcommands()).containsKeys("restore", "serve", "list",
                "warm-up").hasSize(AgentMain.commandLine().getSubcommands().size());
        assertThat(AgentMain.commandLine("bogus").getSubcommands()).hasSizeGreaterThan(9);
    }
}

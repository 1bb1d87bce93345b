package dev.restoreagent.nativeb.systemd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Outside systemd nothing is sent; the daemon's side is SystemdNotifyIT in the agent. */
class SystemdNotifyTest {
    @Test
    @DisabledIfEnvironmentVariable(named = "NOTIFY_SOCKET", matches = ".*", disabledReason = "run under systemd")
    void withoutNotifySocketNothingIsSent() throws Exception {
        assertThat(SystemdNotify.ready("serving")).isFalse();
        assertThat(SystemdNotify.stopping("stopping")).isFalse();
    }

    @Test
    void aStatusIsOneLine() {
        assertThatThrownBy(() -> SystemdNotify.ready("serving\nWATCHDOG=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a status is one line: serving\nWATCHDOG=1");
    }
}

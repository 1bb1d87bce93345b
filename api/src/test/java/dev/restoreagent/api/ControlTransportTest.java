package dev.restoreagent.api;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@value ControlTransport#PROPERTY} chooses the transport; epoll is the default where it loads. */
class ControlTransportTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(ControlTransport.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(ControlTransport.PROPERTY);
        } else {
            System.setProperty(ControlTransport.PROPERTY, saved);
        }
    }

    @Test
    void autoTakesEpollWhereItLoadsAndNioElsewhere() {
        System.clearProperty(ControlTransport.PROPERTY);
        ControlTransport expected = Epoll.isAvailable() ? ControlTransport.EPOLL : ControlTransport.NIO;

        assertThat(ControlTransport.selected()).isEqualTo(expected);
        System.setProperty(ControlTransport.PROPERTY, "auto");
        assertThat(ControlTransport.selected()).isEqualTo(expected);
    }

    @Test
    void nioIsTakenWhenAskedFor() {
        System.setProperty(ControlTransport.PROPERTY, "NIO");

        assertThat(ControlTransport.selected()).isEqualTo(ControlTransport.NIO);
        assertThat(ControlTransport.selected()).hasToString("nio");
    }

    @Test
    void anUnknownValueIsRefusedNamingTheProperty() {
        System.setProperty(ControlTransport.PROPERTY, "kqueue");

        assertThatThrownBy(ControlTransport::selected).isInstanceOf(IllegalStateException.class)
                .hasMessage("restore.agent.transport must be auto, epoll or nio, not 'kqueue'");
    }
}

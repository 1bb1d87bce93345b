package dev.restoreagent.stores;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** How a failed Swift request is said: the JDK's client often gives no message, or gives it only in a cause. */
class SwiftFailureWordsTest {
    private static final URI OBJECT = URI.create("http://127.0.0.1:7480/swift/v1/volumebackups/obj-00001");

    @Test
    void aGatewayThatIsDownIsNamedByItsAddress() {
        assertThat(SwiftStore.why(new ConnectException(), OBJECT))
                .isEqualTo("cannot connect to http://127.0.0.1:7480 (connection refused or unreachable)");
    }

    @Test
    void aCausesMessageSaysWhyWhenTheExceptionHasNone() {
        ConnectException refused = new ConnectException();
        refused.initCause(new ConnectException("Connection refused"));

        assertThat(SwiftStore.why(refused, OBJECT)).isEqualTo("cannot connect to http://127.0.0.1:7480 (Connection refused)");
    }

    @Test
    void otherFailuresKeepTheirMessageOrTheirName() {
        assertThat(SwiftStore.why(new HttpTimeoutException("request timed out"), OBJECT)).isEqualTo("request timed out");
        assertThat(SwiftStore.why(new IOException(), OBJECT)).isEqualTo("IOException");
    }
}

package dev.restoreagent.agent.daemon;

import dev.restoreagent.api.ControlTransport;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A caller whose credentials cannot be read is refused, never let through as someone unknown. */
class ApiHandlerAuthorizeTest {
    @Test
    void aChannelWithoutPeerCredentialsIsRefusedWith403() throws Exception {
        // refused before the API looks at anything: no jobs, budget, paths or metrics are needed
        ApiHandler api = new ApiHandler(null, null, new CallerPolicy(Set.of(), Set.of()), null, null, "test",
                ControlTransport.NIO);
        EmbeddedChannel channel = new EmbeddedChannel(api);
        try {
            channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/health"));
            FullHttpResponse response = channel.readOutbound();

            assertThat(response.status().code()).isEqualTo(403);
            assertThat(ApiHandler.JSON.readTree(response.content().toString(StandardCharsets.UTF_8)).get("error")
                    .asText()).isEqualTo("restore-agent cannot tell who is calling (EmbeddedChannel is not a Unix"
                    + " socket with peer credentials), so it refuses the call");
            response.release();
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}

package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.Curl;
import dev.restoreagent.api.ControlTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The daemon tells callers apart by their credentials on whichever transport this run selected
 * (surefire runs it again with {@code -Drestore.agent.transport=nio}): curl under {@code setpriv}
 * as nobody (uid 65534), with the groups each case needs.
 */
class CallerIdentityTest {
    private static final int NOBODY = 65534;
    private static final int USERS = 100;

    @TempDir
    Path dir;
    private Agent agent;

    @BeforeEach
    void needsRoot() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "calling as nobody needs root");
        assumeTrue(Files.readAllLines(Path.of("/etc/group")).contains("users:x:" + USERS + ":"),
                "group users is gid " + USERS);
        // nobody may reach the socket in it; the socket's own mode and group decide the rest
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private void start(String... config) throws Exception {
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n", "socket = " + dir.resolve("s"),
                "state_dir = " + dir.resolve("state"), "allowed_paths = " + dir, String.join("\n", config), ""));
        agent = Agent.start(AgentConfig.load(conf), "test");
    }

    /** {@code GET /v1/health} as nobody, with primary group {@code gid} and these supplementary ones. */
    private Curl.Answer healthAsNobody(int gid, Integer... groups) throws Exception {
        List<String> setpriv = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + gid));
        setpriv.add(groups.length == 0 ? "--clear-groups" : "--groups=" + String.join(",",
                List.of(groups).stream().map(String::valueOf).toList()));
        return Curl.call(dir.resolve("s"), "GET", "/v1/health", null, setpriv.toArray(String[]::new));
    }

    @Test
    void anAllowedUidIsLetInAndHealthNamesTheTransport() throws Exception {
        start("socket_group = nogroup", "allowed_uids = " + NOBODY, "allowed_groups =");

        Curl.Answer answer = healthAsNobody(NOBODY);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("transport").asText()).isEqualTo(ControlTransport.selected().toString());
    }

    @Test
    void aUidNeitherAllowedNorInAnAllowedGroupIsRefusedByNumber() throws Exception {
        start("socket_group = nogroup", "allowed_uids = 1", "allowed_groups = users");

        Curl.Answer answer = healthAsNobody(NOBODY);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("error").asText()).isEqualTo("uid " + NOBODY + " may not use restore-agent;"
                + " ask an administrator to add you to an allowed group");
    }

    @Test
    void theCallersPrimaryGroupCounts() throws Exception {
        start("socket_group = users", "allowed_groups = users");

        assertThat(healthAsNobody(USERS).status()).isEqualTo(200);
    }

    @Test
    void supplementaryGroupsAreTheProcessesOnEpollAndTheDatabasesOnNio() throws Exception {
        start("socket_group = users", "allowed_groups = users");

        // nobody is in no group in /etc/group: only epoll, which knows the pid, sees users here
        int expected = ControlTransport.selected() == ControlTransport.EPOLL ? 200 : 403;
        assertThat(healthAsNobody(NOBODY, USERS).status()).isEqualTo(expected);
    }
}

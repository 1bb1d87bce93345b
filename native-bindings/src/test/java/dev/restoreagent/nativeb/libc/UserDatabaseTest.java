package dev.restoreagent.nativeb.libc;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Checked against {@code /etc/passwd} and {@code /etc/group}, which NSS reads first on these machines. */
class UserDatabaseTest {
    @Test
    void aUserNameGivesItsUid() throws Exception {
        assertThat(UserDatabase.uidOf("root")).isEqualTo(OptionalInt.of(0));
        String[] entry = firstEntryOtherThanRoot(Path.of("/etc/passwd"));
        assertThat(UserDatabase.uidOf(entry[0])).as(String.join(":", entry))
                .isEqualTo(OptionalInt.of(Integer.parseInt(entry[2])));
    }

    @Test
    void aGroupNameGivesItsGid() throws Exception {
        assertThat(UserDatabase.gidOf("root")).isEqualTo(OptionalInt.of(0));
        String[] entry = firstEntryOtherThanRoot(Path.of("/etc/group"));
        assertThat(UserDatabase.gidOf(entry[0])).as(String.join(":", entry))
                .isEqualTo(OptionalInt.of(Integer.parseInt(entry[2])));
    }

    @Test
    void anUnknownNameIsEmptyNotAnError() throws Exception {
        assertThat(UserDatabase.uidOf("no-such-user-" + ProcessHandle.current().pid())).isEmpty();
        assertThat(UserDatabase.gidOf("no-such-group-" + ProcessHandle.current().pid())).isEmpty();
    }

    @Test
    void theGroupListHoldsTheGivenGroup() throws Exception {
        // a gid the user is in nowhere else: getgrouplist lists it all the same
        assertThat(UserDatabase.groupsOf("root", 4242)).contains(4242);
        assertThat(UserDatabase.groupsOf("no-such-user-" + ProcessHandle.current().pid(), 4242))
                .containsExactly(4242);
    }

    @Test
    void aSupplementaryGroupFromTheGroupFileIsListed() throws Exception {
        // the test makes the group it needs (CI runs as root) instead of hoping the machine has one with members
        // (a skip fails the run under CI=true: scripts/no-skipped-tests.sh)
        assumeTrue("root".equals(System.getProperty("user.name")), "groupadd needs root");
        String name = "ratest-udb-" + ProcessHandle.current().pid();
        run("groupadd", "--users", "daemon", name);
        try {
            String[] group = Files.readAllLines(Path.of("/etc/group")).stream().map(l -> l.split(":", -1))
                    .filter(f -> f[0].equals(name)).findFirst().orElseThrow();

            assertThat(UserDatabase.groupsOf("daemon", 4242)).as(String.join(":", group))
                    .contains(4242, Integer.parseInt(group[2]));
        } finally {
            run("groupdel", name);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private static String[] firstEntryOtherThanRoot(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> l.split(":", -1))
                .filter(f -> f.length > 2 && !f[0].equals("root")).findFirst().orElseThrow();
    }
}

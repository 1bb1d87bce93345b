package dev.restoreagent.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LauncherOptionsTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private static String cap(long bytes) {
        return "-XX:MaxDirectMemorySize=" + bytes;
    }

    /** What serve adds besides the cap: the periodic trim, where this JVM has it (the test's JVM is the agent's). */
    private static String[] serve(long bytes) {
        return LauncherOptions.trimsNativeHeap(Runtime.version())
                ? new String[] {cap(bytes), "-XX:TrimNativeHeapInterval=5000"} : new String[] {cap(bytes)};
    }

    private String config(String... lines) throws Exception {
        return Files.writeString(dir.resolve("agent.conf"), String.join("\n", lines) + "\n").toString();
    }

    @Test
    void restoreCapsDirectMemoryAtItsBudgetGivenEitherWay() {
        assertThat(LauncherOptions.options("restore", "--image", "-", "--memory-budget", "1GiB", "--to", "x"))
                .containsExactly(cap(1024 * MIB));
        assertThat(LauncherOptions.options("restore", "--memory-budget=64 MiB")).containsExactly(cap(64 * MIB));
        assertThat(LauncherOptions.options("restore", "--memory-budget", "1GiB", "--memory-budget=2G"))
                .containsExactly(cap(2048 * MIB));
    }

    @Test
    void everyOtherCommandGetsTheDefaultBudget() {
        assertThat(LauncherOptions.options()).containsExactly(cap(256 * MIB));
        assertThat(LauncherOptions.options("--version")).containsExactly(cap(256 * MIB));
        assertThat(LauncherOptions.options("restore", "--image", "-", "--", "--memory-budget", "1GiB"))
                .as("after --, picocli takes it as a positional").containsExactly(cap(256 * MIB));
    }

    @Test
    void aBudgetThatIsNotAPositiveSizeAddsNothing() {
        assertThat(LauncherOptions.options("restore", "--memory-budget", "lots")).isEmpty();
        assertThat(LauncherOptions.options("restore", "--memory-budget", "0")).isEmpty();
        assertThat(LauncherOptions.options("restore", "--memory-budget=")).isEmpty();
    }

    @Test
    void serveTakesTheConfigsBudgetPlusTheSocketsHeadroom() throws Exception {
        String conf = config("# agent", "  memory_budget = 512MiB   # for all restores", "queue_depth = 4");
        assertThat(LauncherOptions.options("serve", "--config", conf)).containsExactly(serve(512 * MIB + 16 * MIB));
        assertThat(LauncherOptions.options("serve", "--config=" + conf)).containsExactly(serve(528 * MIB));
    }

    @Test
    void serveWithoutAConfigFileTakesTheDefaultBudget() {
        assertThat(LauncherOptions.options("serve", "--config", dir.resolve("absent.conf").toString()))
                .containsExactly(serve(256 * MIB + 16 * MIB));
    }

    @Test
    void serveWithAConfigTheAgentRefusesAddsNothing() throws Exception {
        assertThat(LauncherOptions.options("serve", "--config", config("memory_budget = lots"))).isEmpty();
        // the file is read as the daemon reads it: any refusal, not only of memory_budget
        assertThat(LauncherOptions.options("serve", "--config", config("memory_budget = 1GiB", "colour = red")))
                .isEmpty();
        assertThat(LauncherOptions.options("serve", "--config", config("memory_budget: 1GiB"))).isEmpty();
        assertThat(LauncherOptions.options("serve", "--config", dir.toString())).as("a directory").isEmpty();
    }

    @Test
    void theTrimIsAskedOnlyOfJvmsThatHaveIt() {
        assertThat(LauncherOptions.trimsNativeHeap(Runtime.Version.parse("17.0.8+7"))).isFalse();
        assertThat(LauncherOptions.trimsNativeHeap(Runtime.Version.parse("17.0.9+9"))).isTrue();
        assertThat(LauncherOptions.trimsNativeHeap(Runtime.Version.parse("17.0.15+6-Debian-1deb12u1"))).isTrue();
        assertThat(LauncherOptions.trimsNativeHeap(Runtime.Version.parse("20.0.2+9"))).isFalse();
        assertThat(LauncherOptions.trimsNativeHeap(Runtime.Version.parse("21+35"))).isFalse();
        assertThat(LauncherOptions.trimsNativeHeap(Runtime.Version.parse("21.0.1+12"))).isTrue();
        assertThat(LauncherOptions.trimsNativeHeap(Runtime.Version.parse("25"))).isTrue();
    }
}

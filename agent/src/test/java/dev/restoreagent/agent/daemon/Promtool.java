package dev.restoreagent.agent.daemon;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Prometheus's own checker, when installed (Debian's {@code prometheus} package, which
 * scripts/install-deps.sh installs). A developer without it sees the checks skipped; under
 * {@code CI=true} a missing promtool is a failure.
 */
final class Promtool {
    private Promtool() {
    }

    /**
     * Runs {@code promtool ARGS} in {@code dir} with {@code stdin} (or none) and asserts it exits 0;
     * does nothing when promtool is missing outside CI.
     */
    static void accepts(Path dir, String stdin, String... args) throws Exception {
        Path promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(p -> Path.of(p, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        if (promtool == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("promtool is not installed (scripts/install-deps.sh installs it): under CI=true that fails");
            }
            return;
        }
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process check = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        if (stdin != null) {
            check.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        check.getOutputStream().close();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(check.exitValue()).as("promtool " + String.join(" ", args) + ": " + said).isZero();
    }
}

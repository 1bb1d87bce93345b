package dev.restoreagent.bench.e2e;

import dev.restoreagent.nativeb.rbd.RbdImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the numbers were measured on: the report's heading. */
final class MachineFacts {
    private MachineFacts() {}

    /** Name to value, in the order the report shows them. */
    static Map<String, String> read() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available");
        facts.put("RAM", meminfo("MemTotal") / 1024 + " MiB");
        facts.put("Kernel", firstLine(Path.of("/proc/sys/kernel/osrelease")));
        facts.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        facts.put("Ceph", Commands.firstLine(List.of("ceph", "--version")) + "; librbd " + RbdImage.librbdVersion()
                + "; one memstore OSD and one monitor on loopback (scripts/ceph-cluster.sh)");
        facts.put("zstd", Commands.firstLine(List.of("zstd", "--version")).replace("*", "").trim());
        facts.put("restore-agent", "commit " + Commands.firstLine(List.of("git", "rev-parse", "--short", "HEAD"))
                + (Commands.firstLine(List.of("git", "status", "--porcelain")).isEmpty() ? "" : " (with local changes)"));
        return facts;
    }

    /** A field of /proc/meminfo in KiB, or -1. */
    static long meminfo(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // reported as unknown
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).get(0).trim();
        } catch (IOException | IndexOutOfBoundsException e) {
            return "unknown";
        }
    }
}

package dev.restoreagent.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The CPU time that processes other than the harness's own used between two readings of {@code /proc}: the
 * "load during a section" that says whether something else ran beside it.
 *
 * <p>The kernel's load average cannot say that: it counts the harness's own work (41 restores at once, the
 * OSD) and keeps it for minutes after. Nor can {@code /proc/stat} minus the harness's processes: it charges
 * the kernel's writeback and loopback-network threads, which work for the harness, to "others". So this sums
 * the CPU of every user-space process that is not the harness's. The harness's are its JVM and everything it
 * starts, children and theirs, and the processes whose command line names its work directory: the Ceph
 * daemons {@code scripts/ceph-cluster.sh} starts detached ({@code setsid}), whose parent is then init. A
 * process once the harness's stays so when its parent exits.
 *
 * <p>A process's CPU is {@code utime + stime + cutime + cstime}: a child another process waited for is in
 * its parent's {@code cutime}, so the short-lived compilers of a build beside the bench count even when no
 * reading saw them. A child seen before its parent waited for it would count twice, once by its own readings
 * and once in its parent's jump; {@link #ticksSince} takes its last reading off again. Not thread-safe: one
 * sampler calls it.
 */
final class OtherCpu {
    private static final Path PROC = Path.of("/proc");
    /** {@code PF_KTHREAD} of {@code /proc/PID/stat}'s flags: a kernel thread (linux/sched.h). */
    private static final long PF_KTHREAD = 0x00200000;

    /**
     * One process as {@code /proc/PID/stat} shows it.
     *
     * @param startTicks when it started, clock ticks after boot: with the pid, who it is (pids are reused)
     * @param cpuTicks utime + stime + cutime + cstime, clock ticks
     * @param kernel a kernel thread
     */
    record Proc(long pid, long ppid, long startTicks, long cpuTicks, boolean kernel) {
        /**
         * Parses {@code /proc/PID/stat}: the command name is in parentheses and may hold spaces and
         * parentheses itself, so fields are counted from the last ')'.
         */
        static Proc parse(String stat) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long flags = Long.parseLong(f[6]);
            return new Proc(Long.parseLong(stat.substring(0, stat.indexOf(' '))), Long.parseLong(f[1]),
                    Long.parseLong(f[19]), Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                    + Long.parseLong(f[14]), (flags & PF_KTHREAD) != 0);
        }

        /** Who it is, whatever its CPU and parent at this reading. */
        Key key() {
            return new Key(pid, startTicks);
        }

        boolean sameAs(Proc other) {
            return other != null && other.key().equals(key());
        }
    }

    /** A process, told apart from a later one of the same pid by its start. */
    record Key(long pid, long startTicks) {}

    private final long harnessPid;
    private final Predicate<Proc> namesTheHarness;
    // pid -> the process at the last reading; empty before the first
    private Map<Long, Proc> last = Map.of();
    // the processes of the last reading that are the harness's, and every one already classified
    private final Set<Key> harness = new HashSet<>();
    private final Set<Key> classified = new HashSet<>();

    /**
     * @param harnessPid the harness's JVM
     * @param namesTheHarness whether a process not started by the harness is its all the same (asked once per
     *                        process, when first seen)
     */
    OtherCpu(long harnessPid, Predicate<Proc> namesTheHarness) {
        this.harnessPid = harnessPid;
        this.namesTheHarness = namesTheHarness;
    }

    /** The harness of this JVM, whose other processes name {@code workDir} on their command line. */
    static OtherCpu ofThisHarness(Path workDir) {
        String marker = workDir.toAbsolutePath().normalize().toString();
        return new OtherCpu(ProcessHandle.current().pid(), p -> commandLine(p.pid()).contains(marker));
    }

    /**
     * The clock ticks other processes used since the previous call, by {@code reading} (pid to process, as
     * {@link #read()} gives it); 0 at the first call, which only sets the start. Over one reading the figure
     * may be off by the last ticks of a process its parent waited for during the reading; they are made up
     * at the next.
     */
    long ticksSince(Map<Long, Proc> reading) {
        classify(reading);
        long ticks = 0;
        if (!last.isEmpty()) {
            for (Proc p : reading.values()) {
                if (isOther(p)) {
                    Proc before = last.get(p.pid());
                    ticks += p.sameAs(before) ? p.cpuTicks() - before.cpuTicks() : p.cpuTicks(); // else new since
                }
            }
            for (Proc gone : last.values()) {
                if (gone.kernel() || gone.sameAs(reading.get(gone.pid()))) {
                    continue;
                }
                // its parent waited for it: its whole CPU is in the parent's cutime now, the ticks counted
                // before included; a child of init left by a parent that exited is not taken off
                Proc parent = last.get(gone.ppid());
                Proc parentNow = reading.get(gone.ppid());
                if (parent != null && parent.sameAs(parentNow) && isOther(parentNow)) {
                    ticks -= gone.cpuTicks();
                }
            }
        }
        Set<Key> present = new HashSet<>();
        reading.values().forEach(p -> present.add(p.key()));
        harness.retainAll(present);
        classified.retainAll(present);
        last = reading;
        return ticks;
    }

    private boolean isOther(Proc p) {
        return !p.kernel() && !harness.contains(p.key());
    }

    // by start time, so that a parent is classified before its children
    private void classify(Map<Long, Proc> reading) {
        List<Proc> byStart = reading.values().stream()
                .sorted(Comparator.comparingLong(Proc::startTicks).thenComparingLong(Proc::pid)).toList();
        for (Proc p : byStart) {
            if (p.kernel() || !classified.add(p.key())) {
                continue;
            }
            Proc parent = reading.get(p.ppid());
            if (p.pid() == harnessPid || (parent != null && harness.contains(parent.key()))
                    || namesTheHarness.test(p)) {
                harness.add(p.key());
            }
        }
    }

    /** Every process in {@code /proc} now, by pid; processes that end while it is read are left out. */
    static Map<Long, Proc> read() {
        Map<Long, Proc> reading = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC,
                d -> d.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    Proc p = Proc.parse(Files.readString(dir.resolve("stat")));
                    reading.put(p.pid(), p);
                } catch (IOException | RuntimeException e) {
                    // ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC, e);
        }
        return reading;
    }

    /** {@code /proc/PID/cmdline} with its arguments joined by spaces, or "" once the process is gone. */
    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}

package dev.restoreagent.bench.e2e;

import dev.restoreagent.bench.Md5;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.ObjectEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 4: the agent against Cinder's own restore step on backups Cinder's driver wrote, the decode limit of
 * each codec on the same objects, the seed scenario, and a daemon's mixed day ({@link DaemonDay}).
 */
final class CinderScenarios {
    static final String CINDER = "cinder";
    static final String LIMIT = "decode-limit";
    static final String SEED = "seed";
    /** The subject of the disk's rate among the limits. */
    static final String DISK_RATE = "disk:";
    /** The disk-rate row's dd block size: what a restore writes at most at once. */
    private static final long DD_BLOCK_BYTES = 4L << 20;
    static final String AGENT_ONE_SHOT = "agent one-shot";
    static final String AGENT_DAEMON = "agent daemon";
    static final String CINDER_STEP = "Cinder's restore step";
    static final String SHA256SUM = "sha256sum";
    static final String OPENSSL_SHA256 = "openssl dgst -sha256";
    private static final long TIMEOUT_SECONDS = 30 * 60;
    // bash's `times`: the shell's user and system time, then its children's
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");

    private final BenchPlan plan;
    private final CinderPlan cinderPlan;
    private final CinderData data;
    private final Scenarios scenarios;
    private final AgentLauncher launcher;
    private final Path work;
    private final Consumer<String> log;
    private int runNumber;

    CinderScenarios(BenchPlan plan, CinderPlan cinderPlan, CinderData data, Scenarios scenarios,
                    AgentLauncher launcher, Path work, Consumer<String> log) {
        this.plan = plan;
        this.cinderPlan = cinderPlan;
        this.data = data;
        this.scenarios = scenarios;
        this.launcher = launcher;
        this.work = work;
        this.log = log;
    }

    /** The subject of a section-4 row: who, on which input. */
    static String subject(String who, String inputLabel) {
        return who + ": " + inputLabel;
    }

    /** Every run of section 4, in interleaved rounds where they compare. */
    List<Measurement> run() throws IOException, InterruptedException {
        List<Measurement> all = new ArrayList<>();
        for (int round = 0; round < cinderPlan.repeats(); round++) {
            boolean verify = round == 0;
            for (CinderData.Input input : data.compared) {
                all.add(agentOneShot(input, verify));
                all.add(cinderStep(input, verify));
            }
        }
        // CPU of the restore alone, without a JVM's start: one restore through a running daemon
        for (CinderData.Input input : data.compared) {
            all.add(scenarios.agent(CINDER, subject(AGENT_DAEMON, input.label()), input.backup(), 1, Scenarios.FILE,
                    true, plan.budgetBytes()));
        }
        for (CinderData.Input input : data.compared) {
            if (input.shape() == CinderData.MIXED) {
                all.addAll(limits(input));
            }
        }
        CinderData.Input first = data.compared.get(0);
        all.add(logged(bashTimes(SHA256SUM, SHA256SUM, List.of(first.volume()), first.backup().volumeBytes(),
                "the volume's bytes, zeros too; coreutils' own C code, without the CPU's SHA instructions")));
        all.add(logged(bashTimes(OPENSSL_SHA256, OPENSSL_SHA256, List.of(first.volume()),
                first.backup().volumeBytes(), "the same bytes; libcrypto, with the CPU's SHA instructions where"
                        + " it has them")));
        all.add(logged(diskRate(data.seed, cinderPlan.seedN())));
        // N = 1 first, each N in a fresh daemon: what the seed restores add to one restore's peak
        for (int n : List.of(1, cinderPlan.seedN())) {
            all.add(scenarios.agent(SEED, "agent", data.seed.backup(), n, Scenarios.FILE, true, plan.budgetBytes()));
        }
        CinderData.Input mixedZlib = data.compared.stream().filter(i -> i.shape() == CinderData.MIXED
                && i.codec().equals("zlib")).findFirst().orElseThrow();
        all.addAll(new DaemonDay(plan.budgetBytes(), data, mixedZlib, cinderPlan.seedN(), launcher, work, log).run());
        all.addAll(new ColdStart(plan.budgetBytes(), data, mixedZlib, launcher, work, log).run());
        return all;
    }

    private Measurement agentOneShot(CinderData.Input input, boolean verify) throws IOException, InterruptedException {
        Path target = target();
        Path agentLog = work.resolve("runs").resolve("cinder-agent.log");
        Files.createDirectories(agentLog.getParent());
        ProcessBuilder pb = launcher.command(List.of("restore", "--backup-root", data.driver.backupPath().toString(),
                "--backup-id", input.backup().backupId(), "--to", target.toString(), "--memory-budget",
                Long.toString(plan.budgetBytes()), "--progress", "none"), agentLog);
        Commands.run(List.of("sync"), agentLog);
        CommandRun run = CommandRun.of(List.of(pb), Long.MAX_VALUE, TIMEOUT_SECONDS);
        String failure = run.succeeded() ? (verify ? check(target, input) : null)
                : "exit codes " + run.exitCodes() + " (see " + agentLog + ")";
        Files.deleteIfExists(target);
        return logged(new Measurement(CINDER, subject(AGENT_ONE_SHOT, input.label()), Scenarios.FILE, 1,
                input.backup().objectBytes(), input.backup().volumeBytes(), -1, run.seconds(), run.maxPeakRssBytes(),
                -1, run.totalCpuSeconds(), failure, "whole process: JVM start included"));
    }

    private Measurement cinderStep(CinderData.Input input, boolean verify) throws IOException, InterruptedException {
        Path target = target();
        Commands.run(List.of("sync"), work.resolve("runs").resolve("cinder-agent.log"));
        CinderDriver.RestoreStep step;
        try {
            step = data.driver.restore(input.backup().backupId(), target);
        } catch (IOException e) {
            Files.deleteIfExists(target);
            return logged(Measurement.failed(CINDER, subject(CINDER_STEP, input.label()), Scenarios.FILE, 1,
                    input.backup().objectBytes(), input.backup().volumeBytes(), 0, e.getMessage()));
        }
        String failure = verify ? check(target, input) : null;
        Files.deleteIfExists(target);
        return logged(new Measurement(CINDER, subject(CINDER_STEP, input.label()), Scenarios.FILE, 1,
                input.backup().objectBytes(), input.backup().volumeBytes(), input.backup().volumeBytes(),
                step.seconds(), step.peakRssBytes(), -1, step.cpuSeconds(), failure,
                String.format(Locale.ROOT, "the step only (its process held %d MiB before it)",
                        step.rssBeforeBytes() >> 20)));
    }

    /** The codec's command-line decoders on the objects Cinder wrote, to /dev/null. */
    private List<Measurement> limits(CinderData.Input input) throws IOException, InterruptedException {
        List<ObjectEntry> coded = input.cinder().objects().stream()
                .filter(o -> !o.compression().equals("none")).toList();
        long bytes = coded.stream().mapToLong(ObjectEntry::length).sum();
        List<Path> files = coded.stream().map(o -> input.cinder().objectPath(o.name())).toList();
        String note = coded.size() + " of " + input.cinder().objects().size() + " objects (the rest stored as is)";
        List<Measurement> rows = new ArrayList<>();
        switch (input.codec()) {
            case "zlib" -> {
                // igzip reads gzip only: the same deflate data in a gzip frame, converted outside the timing
                List<Path> gz = new ArrayList<>();
                for (ObjectEntry o : coded) {
                    Path object = input.cinder().objectPath(o.name());
                    gz.add(ZlibToGzip.convert(object, input.volume(), o.offset(), o.length(),
                            work.resolve("cinder").resolve(object.getFileName() + ".gz")));
                }
                rows.add(bashTimes("igzip -dc", "igzip -dc", gz, bytes, note + "; the deflate data in gzip frames"));
                rows.add(bashTimes("python3 zlib.decompress", null, files, bytes, note + "; what Cinder calls"));
                gz.forEach(p -> p.toFile().delete());
            }
            case "zstd" -> rows.add(bashTimes("zstd -dc", "zstd -q -dc", files, bytes, note));
            case "bz2" -> {
                rows.add(bashTimes("bzip2 -dc", "bzip2 -dc", files, bytes, note));
                rows.add(bashTimes("lbzip2 -dc", "lbzip2 -dc", files, bytes, note + "; all cores"));
            }
            default -> throw new IllegalArgumentException(input.codec());
        }
        rows.forEach(this::logged);
        return rows;
    }

    /**
     * {@code command FILE > /dev/null} for each file in one bash, timed by its {@code times}: the children's user
     * and system time as the kernel counted it for each waited process, however short it ran.
     */
    private Measurement bashTimes(String subject, String command, List<Path> files, long bytes, String note)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", command != null
                ? "c=$1; shift; for f in \"$@\"; do $c \"$f\" > /dev/null || exit 1; done; times"
                : "shift; for f in \"$@\"; do /usr/bin/python3 -c 'import sys, zlib; "
                        + "zlib.decompress(open(sys.argv[1], \"rb\").read())' \"$f\" || exit 1; done; times",
                "bash", command == null ? "-" : command));
        files.forEach(f -> argv.add(f.toString()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return Measurement.failed(LIMIT, subject, "-", 1, 0, bytes, 0,
                    "still running after " + TIMEOUT_SECONDS + " s");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = childrenCpuSeconds(out);
        if (p.exitValue() != 0 || Double.isNaN(cpu)) {
            return Measurement.failed(LIMIT, subject, "-", 1, 0, bytes, 0,
                    "exit " + p.exitValue() + ": " + out.strip());
        }
        return new Measurement(LIMIT, subject, "-", 1, 0, bytes, -1, seconds, -1, -1, cpu, null, note);
    }

    /**
     * The disk's rate for what {@code n} restores of {@code input} write into new files: its volume's non-zero
     * 4 KiB blocks (a restore skips the zero ones), {@code n} times at once, each file synced (`dd
     * conv=fsync` from /dev/zero, whose reads cost next to nothing). Its bytes are the volumes' (zeros too),
     * so that its rate compares with the restores' own.
     */
    private Measurement diskRate(CinderData.Input input, int n) throws IOException, InterruptedException {
        long nonZero = Math.round(input.backup().volumeBytes() * (1 - DataSet.zeroFraction(input.volume())));
        long blocks = Math.max(1, (nonZero + DD_BLOCK_BYTES - 1) / DD_BLOCK_BYTES);
        Path dir = Files.createDirectories(work.resolve("targets"));
        List<String> argv = new ArrayList<>(List.of("bash", "-c", "count=$1; shift; for f in \"$@\"; do"
                + " dd if=/dev/zero of=\"$f\" bs=" + DD_BLOCK_BYTES + " count=$count conv=fsync status=none & done;"
                + " for job in $(jobs -p); do wait $job || exit 1; done; times", "bash", Long.toString(blocks)));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(dir.resolve("disk-rate-" + i + ".img"));
            argv.add(files.get(i).toString());
        }
        String subject = String.format(Locale.ROOT, "%s %d x dd conv=fsync of the non-zero bytes", DISK_RATE, n);
        Commands.run(List.of("sync"), work.resolve("runs").resolve("cinder-agent.log"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
        long bytes = n * input.backup().volumeBytes();
        if (!ended || p.exitValue() != 0) {
            p.destroyForcibly();
            return Measurement.failed(LIMIT, subject, Scenarios.FILE, n, 0, bytes, 0,
                    ended ? "exit " + p.exitValue() + ": " + out.strip() : "still running after " + TIMEOUT_SECONDS
                            + " s");
        }
        return new Measurement(LIMIT, subject, Scenarios.FILE, n, 0, bytes, n * blocks * DD_BLOCK_BYTES, seconds, -1,
                -1, childrenCpuSeconds(out), null, String.format(Locale.ROOT, "%d files of %d MiB at once, as the seed restores write them"
                        + " (their volume's %d%% non-zero 4 KiB blocks); MiB/s of the volumes' bytes", n,
                        blocks * DD_BLOCK_BYTES >> 20, Math.round(100.0 * nonZero / input.backup().volumeBytes())));
    }

    /** The children's user + system seconds from the last line bash's {@code times} printed; NaN if it is not there. */
    static double childrenCpuSeconds(String output) {
        String[] lines = output.strip().split("\n");
        Matcher m = TIMES.matcher(lines[lines.length - 1].strip());
        if (lines.length < 2 || !m.matches()) {
            return Double.NaN;
        }
        return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
    }

    /** Null when {@code target} holds {@code input}'s volume; else what differs. */
    static String check(Path target, CinderData.Input input) throws IOException {
        String md5 = Md5.hex(target);
        return md5.equals(input.backup().volumeMd5()) ? null
                : "restored data differ: md5 " + md5 + " of " + target + ", expected " + input.backup().volumeMd5();
    }

    private Path target() throws IOException {
        Path dir = work.resolve("targets");
        Files.createDirectories(dir);
        return dir.resolve(String.format("cinder-%03d.img", ++runNumber));
    }

    private Measurement logged(Measurement m) {
        log.accept(Scenarios.describe(m));
        return m;
    }
}

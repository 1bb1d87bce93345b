package dev.restoreagent.bench.e2e;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Section 4 of the report: the agent against Cinder's own restore step and the decoders' limits. */
final class CinderReport {
    private CinderReport() {}

    static String section(Results r, CinderData data, CinderPlan plan) {
        StringBuilder md = new StringBuilder();
        md.append("## 4. Against Cinder's own code\n\n");
        md.append("Every backup here was written by Cinder's own PosixBackupDriver (Debian's python3-cinder ")
                .append("21.3.1, Zed), run in process by `testkit/src/main/python/cinder_driver.py` with Cinder's ")
                .append("objects and database API (SQLite); only the API, the attach and the message bus are stubbed. ")
                .append("Volumes of ").append(TargetCheck.mib(plan.volumeBytes())).append(" in ")
                .append(TargetCheck.mib(plan.objectBytes())).append(" objects: ");
        for (CinderData.Input input : data.compared) {
            md.append(f("%s (%.0f%% of 4 KiB blocks zero); ", input.label(), 100 * zero(input)));
        }
        md.append("median of ").append(plan.repeats()).append(" interleaved round(s), each run after `sync`.\n\n")
                .append("- **agent one-shot**: `restore-agent restore --backup-root ... --backup-id ... ")
                .append("--to NEW_FILE`, ")
                .append("the whole process (JVM start included), verifying every block against the sha256file;\n")
                .append("- **agent daemon**: the same restore submitted to a running daemon (CPU: the daemon's, ")
                .append("during the job);\n")
                .append("- **Cinder's restore step**: what `BackupManager._run_restore` runs, in one Python process: ")
                .append("the driver made, the target opened `wb`, `restore()` through `tpool.Proxy`; wall and CPU of ")
                .append("that step only (its interpreter and imports excluded), peak RSS of the process (VmHWM). ")
                .append("Cinder Zed checks nothing and writes every zero; the agent skips zeros into a new file.\n\n");
        md.append("| input | agent one-shot s | agent daemon s | Cinder s | speed vs Cinder (one-shot, daemon) ")
                .append("| CPU s/GiB agent one-shot, daemon, Cinder | peak RSS agent one-shot, daemon, Cinder |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (CinderData.Input input : data.compared) {
            Optional<Measurement> one = CinderChecks.median(r, CinderScenarios.CINDER,
                    CinderScenarios.subject(CinderScenarios.AGENT_ONE_SHOT, input.label()));
            Optional<Measurement> daemon = CinderChecks.median(r, CinderScenarios.CINDER,
                    CinderScenarios.subject(CinderScenarios.AGENT_DAEMON, input.label()));
            Optional<Measurement> cinder = CinderChecks.median(r, CinderScenarios.CINDER,
                    CinderScenarios.subject(CinderScenarios.CINDER_STEP, input.label()));
            md.append("| ").append(input.label()).append(" | ").append(s(one)).append(" | ").append(s(daemon))
                    .append(" | ").append(s(cinder)).append(" | ").append(ratio(cinder, one)).append(", ")
                    .append(ratio(cinder, daemon)).append(" | ").append(cpu(one)).append(", ").append(cpu(daemon))
                    .append(", ").append(cpu(cinder)).append(" | ").append(rss(one)).append(", ").append(rss(daemon))
                    .append(", ").append(rss(cinder)).append(" |\n");
        }
        List<String> failures = r.all().stream().filter(m -> m.scenario().equals(CinderScenarios.CINDER) && !m.ok())
                .map(m -> m.subject() + ": " + m.failure()).toList();
        failures.forEach(x -> md.append("\nFailed: ").append(x.replace("|", "/")).append("\n"));

        md.append("\n### 4a. Decode limits on the same objects\n\n");
        md.append("Each command on each object Cinder wrote for the mixed volume (the raw volume for the sha256 ")
                .append("commands; the targets take the faster of the two), output to /dev/null, one after the other ")
                .append("in one bash; CPU is bash's `times` for its children. ")
                .append("Per GiB of decoded data.\n\n");
        md.append("| command | GiB | s | CPU s | CPU s/GiB | note |\n|---|---|---|---|---|---|\n");
        for (Measurement m : r.all().stream().filter(m -> m.scenario().equals(CinderScenarios.LIMIT)).toList()) {
            md.append("| `").append(m.subject()).append("` | ");
            if (m.ok()) {
                md.append(f("%.3f | %.2f | %.2f | %.2f | ", m.bytes() / (double) BenchPlan.GIB, m.seconds(),
                        m.cpuSeconds(), m.cpuSecondsPerGib())).append(m.note() == null ? "" : m.note()).append(" |\n");
            } else {
                md.append("- | - | - | - | failed: ").append(m.failure().replace("|", "/")).append(" |\n");
            }
        }
        md.append("\n### 4b. The seed scenario\n\n");
        md.append(f("%d restores at once through one daemon (B = %s) into files, of one backup of a %s volume "
                        + "(mixed) that Cinder wrote at its default chunk size (%d bytes, so one object), zlib; "
                        + "and one restore of it, in a daemon of its own, to compare the peaks with.\n\n",
                plan.seedN(), TargetCheck.mib(r.plan().budgetBytes()), TargetCheck.mib(plan.seedVolumeBytes()),
                CinderPlan.DEFAULT_CHUNK_BYTES));
        md.append("| N | peak RSS | direct peak | s | aggregate MiB/s | CPU s | CPU s/GiB | result |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : r.all().stream().filter(m -> m.scenario().equals(CinderScenarios.SEED)).toList()) {
            md.append("| ").append(m.n()).append(" | ").append(TargetCheck.mib(m.peakRssBytes())).append(" | ")
                    .append(m.directPeakBytes() < 0 ? "-" : TargetCheck.mib(m.directPeakBytes())).append(" | ");
            md.append(m.ok() ? f("%.2f | %.0f | %.1f | %.2f | ok |\n", m.seconds(), m.mibPerSecond(), m.cpuSeconds(),
                    m.cpuSecondsPerGib()) : "- | - | - | - | " + m.failure().replace("|", "/") + " |\n");
        }
        day(md, r);
        coldStart(md, r);
        return md.toString();
    }

    private static void coldStart(StringBuilder md, Results r) {
        List<Measurement> rows = r.all().stream().filter(m -> m.scenario().equals(ColdStart.COLD)).toList();
        md.append("\n### 4d. What a start costs\n\n");
        md.append("`restore-agent --version` as a shell runs it (the launcher and its JVM, with the class-data archive"
                + " `make build` made, `bin/restore-agent-cds`), the median of " + ColdStart.VERSION_RUNS + " runs;"
                + " then one fresh daemon (B as above, its data path warmed before its socket listens) restores the"
                + " zlib mixed backup twice in a row, each target checked against the volume's md5. The one-shot"
                + " restore they compare with is the table's above.\n\n");
        md.append("| subject | s | CPU s | peak RSS | result | note |\n|---|---|---|---|---|---|\n");
        for (Measurement m : rows) {
            md.append("| ").append(m.subject()).append(" | ").append(m.ok() ? f("%.2f | %.2f | %s | ok | ",
                    m.seconds(), m.cpuSeconds(), m.peakRssBytes() < 0 ? "-" : TargetCheck.mib(m.peakRssBytes()))
                    : "- | - | - | " + m.failure().replace("|", "/") + " | ").append(m.note() == null ? "" : m.note())
                    .append(" |\n");
        }
    }

    private static void day(StringBuilder md, Results r) {
        List<Measurement> phases = r.all().stream().filter(m -> m.scenario().equals(DaemonDay.DAY)).toList();
        md.append("\n### 4c. A daemon's day\n\n");
        md.append(f("One daemon at B = %s, started fresh, runs these phases in order; each batch's targets are "
                        + "checked against their volume's md5 and deleted before the next batch. Peak RSS so far is "
                        + "the kernel's high-water mark (VmHWM) of the daemon's process over its whole life; RSS "
                        + "(VmRSS) and threads after are read from /proc/PID/status as the phase's last batch ends. "
                        + "s and CPU s add up the phase's batches (first submission to the last job's end; the "
                        + "daemon's utime + stime). The JVM's heap lies outside B: the daemon runs with %s, as "
                        + "`bin/restore-agent` starts it.\n\n", TargetCheck.mib(r.plan().budgetBytes()),
                phases.isEmpty() ? "-" : "`" + phases.get(0).note() + "`"));
        md.append("| phase | restores | s | CPU s | peak RSS so far | RSS after | threads after | result |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : phases) {
            md.append("| ").append(m.subject()).append(" | ").append(m.n()).append(" | ");
            md.append(m.ok() ? f("%.2f | %.1f | %s | %s | %d | ok |\n", m.seconds(), m.cpuSeconds(),
                    TargetCheck.mib(m.peakRssBytes()), TargetCheck.mib(m.rssAfterBytes()), m.threadsAfter())
                    : "- | - | - | - | - | " + m.failure().replace("|", "/") + " |\n");
        }
    }

    private static double zero(CinderData.Input input) {
        try {
            return DataSet.zeroFraction(input.volume());
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    private static String s(Optional<Measurement> m) {
        return m.map(x -> f("%.2f", x.seconds())).orElse("-");
    }

    private static String cpu(Optional<Measurement> m) {
        return m.map(x -> f("%.2f", x.cpuSecondsPerGib())).orElse("-");
    }

    private static String rss(Optional<Measurement> m) {
        return m.map(x -> TargetCheck.mib(x.peakRssBytes())).orElse("-");
    }

    private static String ratio(Optional<Measurement> cinder, Optional<Measurement> agent) {
        return cinder.isPresent() && agent.isPresent() ? f("%.2fx", cinder.get().seconds() / agent.get().seconds())
                : "-";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

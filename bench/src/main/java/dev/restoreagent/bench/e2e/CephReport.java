package dev.restoreagent.bench.e2e;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Section 6 of the report: restores of backups Cinder's own Ceph driver wrote. */
final class CephReport {
    // as CephScenarios writes it into a Cinder row's note
    private static final Pattern PYTHON_BEFORE = Pattern.compile("\\((\\d+) MiB before the step\\)");

    private CephReport() {}

    static String section(Results r, CephPlan plan) {
        StringBuilder md = new StringBuilder();
        md.append("## 6. From Cinder's Ceph backup driver\n\n");
        md.append(f("Two throwaway clusters on the same cores, one memstore OSD each, as kolla-ansible deploys "
                + "Cinder's Ceph backups: the volume cluster (pool `rbd`, client.admin) and the backup cluster (pool "
                + "`backups`; Cinder writes as `client.cinder-backup`, caps `profile rbd`; the agent reads as "
                + "`client.restore-agent`, `profile rbd-read-only`). Cinder's own CephBackupDriver (python3-cinder, "
                + "Zed, run in process by `testkit/src/main/python/cinder_driver.py`) backs up an RBD volume of the "
                + "volume cluster by its RBD path (`rbd export-diff | rbd import-diff` into the backup pool): full, "
                + "with %d extents of disk-like data (about 20%% of 4 KiB blocks zero), then incremental after three "
                + "writes (one over an extent's end, one in a hole, one up to the last byte) and a discard of whole "
                + "objects. The incremental is restored: a snapshot of the base image that holds the whole volume. "
                + "The source volume is removed once backed up; every target is removed once checked. Every run's "
                + "target is checked byte-exact: the sha256 of its export (`rbd export | openssl dgst -sha256`, or "
                + "the file) against the volume's as the driver's backup saw it. B = %s. %d round(s), interleaved; "
                + "each row is the round with the median time.\n\n", CephPlan.EXTENTS,
                TargetCheck.mib(r.plan().budgetBytes()), plan.repeats()));

        md.append(f("### 6a. Into a new image\n\nA %s volume, %s of it in the incremental's snapshot.\n\n",
                TargetCheck.mib(plan.volumeBytes()),
                TargetCheck.mib(CephPlan.allocatedAfterIncrement(plan.volumeBytes(), plan.allocatedBytes()))));
        md.append("- **agent one-shot**: `restore-agent restore --cinder-record REC --backup-ceph-conf CONF "
                        + "--backup-ceph-user restore-agent --to rbd:rbd/NEW --create`, the whole process;\n")
                .append("- **agent daemon (running)**: the same restore submitted to a fresh daemon whose agent.conf "
                        + "names the backup cluster (`store.backups.type = ceph`): from submission to the job's end, "
                        + "the daemon's CPU during it, without the JVM's start (cinder-backup, too, is a running "
                        + "service);\n")
                .append("- **Cinder's restore**: what `BackupManager._run_restore` runs for an RBD volume "
                        + "(`bench/.../cinder_rbd_restore.py`): a new empty volume `volume-ID` of the volume's size as "
                        + "the RBD driver makes it, handed to the driver's `restore()` as os-brick's connector hands "
                        + "it over (`RBDVolumeIOWrapper` in `tpool.Proxy`); the driver pipes `rbd export-diff` of the "
                        + "snapshot into `rbd import-diff`; the step only (driver made, restore, image closed), "
                        + "Python's peak and CPU plus its two rbd processes';\n")
                .append("- **rbd export-diff | rbd import-diff**: the same pipe typed by hand into a new image "
                        + "made first (`rbd create`, untimed), the snapshot read as `client.restore-agent`;\n")
                .append("- **rbd deep cp**: the snapshot into a new image of the backup cluster (deep copy does not "
                        + "cross clusters; the other rows write into the volume cluster);\n")
                .append("- **rbd bench write, the snapshot's bytes**: `rbd bench --io-type write --io-size 4M "
                        + "--io-threads 16 --io-pattern seq` of as many bytes as the snapshot holds, into the volume "
                        + "cluster: how long that cluster takes to write them at all, a floor under every row that "
                        + "writes there.\n\n");
        table(md, r, CephScenarios.NEW_IMAGE);

        md.append(f("\n### 6b. Into an image that holds data\n\nA %s volume, %s of it in the incremental's snapshot. "
                        + "The target, `rbd create` of the volume's size, first gets a quarter of that in 4 MiB writes "
                        + "at random offsets (`rbd bench`, untimed). Cinder's driver sees its extents and takes its "
                        + "full copy (`_transfer_data`: `backup_ceph_chunk_size` = 128 MiB read from the snapshot and "
                        + "written, zeros too, the whole volume); the agent writes the snapshot's data and discards "
                        + "its holes. The agent's rows as in 6a, without `--create`.\n\n", TargetCheck.mib(plan.volumeBytes()),
                TargetCheck.mib(CephPlan.allocatedAfterIncrement(plan.volumeBytes(), plan.allocatedBytes()))));
        table(md, r, CephScenarios.HELD);

        md.append(f("\n### 6c. %d restores at once through one daemon\n\nOf a second chain of backups, as above but "
                + "of a %s volume with %s in the incremental's snapshot (so that %d images of it fit the volume "
                + "cluster's memstore OSD), through one fresh daemon (`memory_budget` = %s) whose agent.conf names "
                + "the backup cluster (`store.backups.type = ceph`, read-only user), each into a new image of the "
                + "volume cluster that it creates; every image checked. Beside it, `rbd bench --io-type write "
                + "--io-size 4M --io-threads 16 --io-pattern seq` into a new image of the same cluster, of as many "
                + "bytes as the snapshots hold, before the restores (the comparison: the cluster as they find it), "
                + "and of as many as they wrote, after them. Written MiB/s counts the bytes sent to the targets (the "
                + "holes of a new image are skipped).\n\n", plan.n(), TargetCheck.mib(plan.manyVolumeBytes()),
                TargetCheck.mib(CephPlan.allocatedAfterIncrement(plan.manyVolumeBytes(), plan.manyAllocatedBytes())),
                plan.n(), TargetCheck.mib(r.plan().budgetBytes())));
        md.append("| subject | N | s | written MiB/s | MiB/s, holes too | peak RSS | direct peak | CPU s | result |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : rows(r, CephScenarios.MANY)) {
            md.append("| ").append(m.subject()).append(" | ").append(m.n()).append(" | ");
            if (m.ok()) {
                md.append(f("%.2f | %.0f | %s | %s | %s | %.1f | ok |\n", m.seconds(), m.writtenMibPerSecond(),
                        m.subject().equals(CephScenarios.AGENT_MANY) ? f("%.0f", m.mibPerSecond()) : "-",
                        TargetCheck.mib(m.peakRssBytes()),
                        m.directPeakBytes() < 0 ? "-" : TargetCheck.mib(m.directPeakBytes()), m.cpuSeconds()));
            } else {
                md.append("- | - | - | - | - | - | ").append(cell(m.failure())).append(" |\n");
            }
        }
        Optional<Measurement> many = rows(r, CephScenarios.MANY).stream()
                .filter(m -> m.subject().equals(CephScenarios.AGENT_MANY) && m.ok()).findFirst();
        Optional<Measurement> bench = rows(r, CephScenarios.MANY).stream()
                .filter(m -> m.subject().equals(CephScenarios.RBD_BENCH) && m.ok()).findFirst();
        if (many.isPresent() && bench.isPresent()) {
            md.append(f("\nBytes written per second: %.2fx `rbd bench`'s.\n",
                    many.get().writtenMibPerSecond() / bench.get().writtenMibPerSecond()));
        }
        Optional<Measurement> cinder = CinderChecks.median(r, CephScenarios.HELD, CephScenarios.CINDER_FULL);
        if (cinder.isPresent()) {
            long peak = highestPeak(r, CephScenarios.HELD, CephScenarios.CINDER_FULL);
            long before = pythonBefore(cinder.get());
            md.append(f("\n**Projection, not measured**: Cinder's full copy of 6b peaked at %s for one restore "
                            + "(its Python process, %s of it before the step: interpreter, Cinder's modules, the "
                            + "database). %d such restores as %d processes: %d × %s = %s; in one cinder-backup "
                            + "process (greenthreads, each restore holding its own 128 MiB chunks): %s + %d × %s = %s. "
                            + "Cinder's default `backup_max_operations = 15` would run 15 of them at once and queue the "
                            + "rest: %s + 15 × %s = %s.\n", TargetCheck.mib(peak), TargetCheck.mib(before),
                    plan.n(), plan.n(), plan.n(), TargetCheck.mib(peak), TargetCheck.mib(plan.n() * peak),
                    TargetCheck.mib(before), plan.n(), TargetCheck.mib(peak - before),
                    TargetCheck.mib(before + plan.n() * (peak - before)), TargetCheck.mib(before),
                    TargetCheck.mib(peak - before), TargetCheck.mib(before + 15 * (peak - before))));
        }
        List<Measurement> setup = rows(r, CephScenarios.SETUP);
        setup.forEach(m -> md.append("\nFailed: ").append(cell(m.failure())).append("\n"));
        return md.toString();
    }

    /**
     * One row per subject of {@code scenario}: its median round, with its time, CPU and peak as ratios to the
     * agent's, one-shot and through a running daemon.
     */
    private static void table(StringBuilder md, Results r, String scenario) {
        md.append("| subject | s | MiB/s | CPU s | peak RSS | s ÷ agent's (one-shot, daemon) | CPU ÷ agent's |"
                + " peak RSS ÷ agent's | result | note |\n|---|---|---|---|---|---|---|---|---|---|\n");
        Optional<Measurement> oneShot = CinderChecks.median(r, scenario, CephScenarios.AGENT);
        Optional<Measurement> daemon = CinderChecks.median(r, scenario, CephScenarios.AGENT_DAEMON);
        for (String subject : rows(r, scenario).stream().map(Measurement::subject).distinct().toList()) {
            Optional<Measurement> median = CinderChecks.median(r, scenario, subject);
            md.append("| ").append(cell(subject)).append(" | ");
            if (median.isEmpty()) {
                String why = rows(r, scenario).stream().filter(m -> m.subject().equals(subject) && !m.ok())
                        .map(Measurement::failure).findFirst().orElse("no run");
                md.append("- | - | - | - | - | - | - | failed: ").append(cell(why)).append(" | |\n");
                continue;
            }
            Measurement m = median.get();
            md.append(f("%.2f | %.0f | %.2f | %s | ", m.seconds(), m.mibPerSecond(), m.cpuSeconds(),
                    TargetCheck.mib(m.peakRssBytes())));
            md.append(ratios(m.seconds(), oneShot.map(Measurement::seconds), daemon.map(Measurement::seconds)))
                    .append(" | ").append(ratios(m.cpuSeconds(), oneShot.map(Measurement::cpuSeconds),
                            daemon.map(Measurement::cpuSeconds))).append(" | ")
                    .append(ratios(m.peakRssBytes(), oneShot.map(x -> (double) x.peakRssBytes()),
                            daemon.map(x -> (double) x.peakRssBytes())));
            md.append(" | ok | ").append(m.note() == null ? "" : cell(m.note())).append(" |\n");
        }
    }

    private static String ratios(double value, Optional<Double> oneShot, Optional<Double> daemon) {
        return oneShot.map(x -> f("%.2f", value / x)).orElse("-") + ", "
                + daemon.map(x -> f("%.2f", value / x)).orElse("-");
    }

    private static List<Measurement> rows(Results r, String scenario) {
        return r.all().stream().filter(m -> m.scenario().equals(scenario)).toList();
    }

    private static long highestPeak(Results r, String scenario, String subject) {
        return r.all().stream().filter(m -> m.scenario().equals(scenario) && m.subject().equals(subject) && m.ok())
                .mapToLong(Measurement::peakRssBytes).max().orElse(0);
    }

    /** The Python process's peak before Cinder's step, from the row's note; 0 if it does not say. */
    static long pythonBefore(Measurement cinder) {
        String note = cinder.note() == null ? "" : cinder.note();
        Matcher m = PYTHON_BEFORE.matcher(note);
        return m.find() ? Long.parseLong(m.group(1)) * BenchPlan.MIB : 0;
    }

    // a | inside a cell would end it
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

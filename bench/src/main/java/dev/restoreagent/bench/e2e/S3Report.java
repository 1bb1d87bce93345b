package dev.restoreagent.bench.e2e;

import java.util.List;
import java.util.Locale;

/** Section 5 of the report: restores from S3 next to the same from posix. */
final class S3Report {
    private S3Report() {}

    static String section(Results r, S3Plan plan, double zeroFraction) {
        StringBuilder md = new StringBuilder();
        md.append("## 5. From S3\n\n");
        md.append(f("One mixed volume of %s (%.0f%% of 4 KiB blocks zero), backed up in %s objects, zlib, once by "
                        + "Cinder's own S3BackupDriver to the throwaway cluster's RADOS Gateway (beast on 127.0.0.1, "
                        + "one memstore OSD, on the same cores as the agent) and once by its PosixBackupDriver. ",
                TargetCheck.mib(plan.volumeBytes()), 100 * zeroFraction, TargetCheck.mib(plan.objectBytes())))
                .append(f("One-shot `restore-agent restore --to NEW_FILE` from each (`--s3-endpoint URL "
                        + "--cinder-record FILE`, keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; `--backup-root "
                        + "--backup-id`), B = %s, in %d interleaved round(s), each after `sync`, the whole process "
                        + "(JVM start included); then %d restores from S3 at once through one daemon whose "
                        + "agent.conf names the gateway (`store.NAME.type = s3`). One restore from each through a "
                        + "fresh daemon (CPU: the daemon's during the job) shows the difference without the JVM's "
                        + "start. The first target of each is checked against the volume's md5. Gateway CPU s: what the cluster's "
                        + "daemons (RGW, OSD, monitor) used meanwhile, on the same cores.\n\n",
                        TargetCheck.mib(r.plan().budgetBytes()), plan.repeats(), plan.n()));
        md.append("| subject | N | s | MiB/s | peak RSS | direct peak | CPU s | CPU s/GiB | gateway CPU s | result |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        List<Measurement> rows = r.all().stream().filter(m -> m.scenario().equals(S3Scenarios.ONE_SHOT)
                || m.scenario().equals(S3Scenarios.DAEMON_ONE) || m.scenario().equals(S3Scenarios.MANY)).toList();
        for (Measurement m : rows) {
            md.append("| ").append(m.subject()).append(" | ").append(m.n()).append(" | ");
            if (m.ok()) {
                md.append(f("%.2f | %.0f | %s | %s | %.2f | %.2f | %s | ok |\n", m.seconds(), m.mibPerSecond(),
                        TargetCheck.mib(m.peakRssBytes()),
                        m.directPeakBytes() < 0 ? "-" : TargetCheck.mib(m.directPeakBytes()), m.cpuSeconds(),
                        m.cpuSecondsPerGib(),
                        Double.isNaN(m.serverCpuSeconds()) ? "-" : f("%.2f", m.serverCpuSeconds())));
            } else {
                md.append("- | - | - | - | - | - | - | ").append(m.failure().replace("|", "/")).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

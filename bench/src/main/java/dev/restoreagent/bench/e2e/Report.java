package dev.restoreagent.bench.e2e;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The Markdown report of one run. */
final class Report {
    static final String HEADLINE = "## Targets";

    private Report() {}

    /**
     * The report: whether the run was clean, machine facts, what was run, each section's noise, the targets'
     * verdicts, then every measurement.
     */
    static String markdown(String date, Results r, Map<String, String> facts, String setup, RunNoise noise,
                           List<TargetCheck> checks, List<String> plots, boolean sectionsOneToThree,
                           String cinderSection) {
        StringBuilder md = new StringBuilder();
        BenchPlan plan = r.plan();
        md.append("# restore-agent benchmark: ").append(plan.mode()).append(" mode, ").append(date).append("\n\n");
        md.append(noise.verdict()).append("\n\n");
        md.append("| machine | |\n|---|---|\n");
        facts.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n").append(setup).append("\n");
        noise(md, noise);

        md.append(HEADLINE).append("\n\n").append(headline(date, plan.mode(), checks)).append("\n");
        if (!sectionsOneToThree) {
            return md.append(cinderSection).toString();
        }

        md.append("## 1. Concurrent restores: the agent and the naive baseline\n\n");
        md.append("N restores of the same backup at once, each into its own target. Agent: one daemon, budget B = ")
                .append(TargetCheck.mib(plan.budgetBytes())).append(", ").append(plan.repeats())
                .append(" interleaved round(s) per N: each row is the round with the median time, with the highest")
                .append(" peak RSS and direct peak of all rounds. Baseline: one process, a thread per restore, one")
                .append(" round.\n\n");
        table(md, r.all().stream().filter(m -> m.scenario().equals(TargetCheck.CONCURRENT)).toList(), r, false);
        if (plan.repeats() > 1) {
            md.append("\nEvery round of the agent:\n\n");
            table(md, r.all().stream().filter(m -> m.scenario().equals(TargetCheck.CONCURRENT_ROUND)).toList(), r,
                    false);
        }

        md.append("\n## 1a. Budget: the same restores under smaller budgets\n\n");
        md.append("At the largest N the baseline survives (else the largest N), a fresh daemon per run; B = ")
                .append(TargetCheck.mib(plan.budgetBytes())).append(" and each smaller budget in ")
                .append(plan.repeats()).append(" interleaved round(s). The targets table takes each budget's")
                .append(" highest peak RSS and its median speed. Memory and speed against section 1's baseline")
                .append(" at the same N.\n\n");
        table(md, r.all().stream().filter(m -> m.scenario().equals(TargetCheck.BUDGET)).toList(), r, false);
        md.append("\n## 1b. Object size: the same volume in objects of different sizes\n\n");
        table(md, r.all().stream().filter(m -> m.scenario().equals(TargetCheck.OBJECT_SIZE)).toList(), r, true);

        md.append("\n## 2. One restore against the peers\n\n");
        md.append("The same volume for every command; median of ").append(plan.repeats())
                .append(" interleaved round(s). `agent:` rows are one-shot `restore-agent restore` processes (JVM start")
                .append(" included); the `agent daemon` row is the same restore submitted to a daemon already running,")
                .append(" as on a storage node. The agent ends every restore durable (fsync, or rbd_flush); the peers'")
                .append(" commands do not, except where the command says so.\n\n");
        peers(md, r);

        md.append("\n## 3. Zero-copy on and off\n\n");
        md.append("The same daemon and restores, `rbd_zero_copy_writes = true` and `false` in its config.\n\n");
        table(md, r.all().stream().filter(m -> m.scenario().equals("zero-copy")).toList(), r, false);

        md.append("\n").append(cinderSection);
        md.append("\n## Plots\n\n");
        for (String plot : plots) {
            md.append("![").append(plot).append("](").append(plot).append(")\n\n");
        }
        return md.toString();
    }

    /** The targets table with the run's date and mode: the part the README quotes. */
    static String headline(String date, String mode, List<TargetCheck> checks) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(date).append(" (").append(mode).append(" mode).\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        for (TargetCheck c : checks) {
            md.append("| ").append(cell(c.target())).append(" | ").append(cell(c.measured())).append(" | ")
                    .append(c.met() == null ? "not measured" : c.met() ? "yes" : "**no**").append(" |\n");
        }
        return md.toString();
    }

    /** The section {@code ## Noise}: how each section was judged (issue 22). */
    private static void noise(StringBuilder md, RunNoise noise) {
        md.append("## Noise\n\n");
        md.append(f("The calibration is SHA-256 of %d MiB on each of the %d cores at once, the median of three"
                + " timings after a `sync`: %.0f ms at the start of the run, %.0f ms at its end. A section is noisy"
                + " when its calibration before or after it differs by more than %.0f%% from the other or from the"
                + " run's start, or when processes other than the harness's (its JVM, what it starts, the Ceph"
                + " daemons of its work directory) used more than %.0f%% of the cores over a minute of it. The load"
                + " average is the kernel's (one minute), the harness's own work included: it is recorded, not"
                + " judged.\n\n",
                (long) Calibration.BUFFER_BYTES * Calibration.PASSES / BenchPlan.MIB, noise.cores(),
                noise.calibrationStartMillis(), noise.calibrationEndMillis(), 100 * SectionNoise.DRIFT_LIMIT,
                100 * SectionNoise.OTHER_CPU_LIMIT));
        md.append("| section | s | load before | load during, mean / peak | other processes' CPU, mean / peak"
                + " minute (cores) | calibration before / after (ms) | noisy |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (SectionNoise s : noise.sections()) {
            md.append("| ").append(cell(s.section())).append(" | ").append(f("%.0f", s.seconds())).append(" | ")
                    .append(orDash("%.2f", s.loadBefore())).append(" | ").append(orDash("%.2f", s.loadMean()))
                    .append(" / ").append(orDash("%.2f", s.loadPeak())).append(" | ")
                    .append(orDash("%.2f", s.otherCpuMean())).append(" / ").append(orDash("%.2f", s.otherCpuPeak()))
                    .append(" | ").append(f("%.0f", s.calibrationBeforeMillis())).append(" / ")
                    .append(f("%.0f", s.calibrationAfterMillis())).append(" | ")
                    .append(s.noisy() ? "**noisy**: " + cell(String.join("; ", s.noise())) : "no").append(" |\n");
        }
        md.append("\n");
    }

    private static String orDash(String format, double value) {
        return Double.isNaN(value) ? "-" : f(format, value);
    }

    private static void table(StringBuilder md, List<Measurement> rows, Results r, boolean showObjectSize) {
        md.append("| target | N |").append(showObjectSize ? " object |" : "")
                .append(" subject | peak RSS | direct peak | s | MiB/s | written MiB/s | CPU s | CPU s/GiB | RSS vs baseline | speed vs baseline | result |\n");
        md.append("|---|---|").append(showObjectSize ? "---|" : "").append("---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : rows) {
            // the budget series and the rounds compare with section 1's baseline
            String baseScenario = m.scenario().equals(TargetCheck.BUDGET)
                    || m.scenario().equals(TargetCheck.CONCURRENT_ROUND) ? TargetCheck.CONCURRENT : m.scenario();
            Optional<Measurement> base = r.all().stream().filter(b -> b.scenario().equals(baseScenario)
                    && b.subject().equals("baseline") && b.target().equals(m.target()) && b.n() == m.n()
                    && b.objectBytes() == m.objectBytes() && b.ok()).findFirst();
            md.append("| ").append(m.target()).append(" | ").append(m.n()).append(" | ");
            if (showObjectSize) {
                md.append(TargetCheck.mib(m.objectBytes())).append(" | ");
            }
            md.append(m.subject()).append(" | ").append(TargetCheck.mib(m.peakRssBytes())).append(" | ")
                    .append(m.directPeakBytes() < 0 ? "-" : TargetCheck.mib(m.directPeakBytes())).append(" | ");
            if (m.ok()) {
                md.append(f("%.1f", m.seconds())).append(" | ").append(f("%.0f", m.mibPerSecond())).append(" | ")
                        .append(m.writtenBytes() < 0 ? "-" : f("%.0f", m.writtenMibPerSecond())).append(" | ")
                        .append(f("%.1f", m.cpuSeconds())).append(" | ").append(f("%.2f", m.cpuSecondsPerGib()))
                        .append(" | ").append(base.isPresent() && !m.subject().equals("baseline")
                                ? f("%.1fx less", (double) base.get().peakRssBytes() / m.peakRssBytes()) : "-")
                        .append(" | ").append(base.isPresent() && !m.subject().equals("baseline")
                                ? f("%.2fx", m.mibPerSecond() / base.get().mibPerSecond()) : "-")
                        .append(" | ok |\n");
            } else {
                md.append("- | - | - | - | - | - | - | ").append(m.failure().replace("|", "/")).append(" |\n");
            }
        }
    }

    private static void peers(StringBuilder md, Results r) {
        md.append("| target | command | s | MiB/s | peak RSS | CPU s | CPU s/GiB | one-shot agent's speed vs this"
                + " | running daemon's speed vs this | note |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> subjects = r.all().stream().filter(m -> m.scenario().equals("peers"))
                .map(m -> m.target() + "\u0000" + m.subject()).distinct().toList();
        for (String key : subjects) {
            String target = key.substring(0, key.indexOf('\u0000'));
            String subject = key.substring(key.indexOf('\u0000') + 1);
            Optional<Measurement> m = r.median(subject, target);
            md.append("| ").append(target).append(" | `").append(cell(subject)).append("` | ");
            if (m.isEmpty()) {
                String why = r.series("peers", subject, target).stream().filter(x -> !x.ok()).map(Measurement::failure)
                        .findFirst().orElse("no run");
                md.append("- | - | - | - | - | - | - | failed: ").append(cell(why)).append(" |\n");
                continue;
            }
            Measurement x = m.get();
            boolean peer = !subject.startsWith("agent");
            md.append(f("%.2f", x.seconds())).append(" | ").append(f("%.0f", x.mibPerSecond())).append(" | ")
                    .append(TargetCheck.mib(x.peakRssBytes())).append(" | ").append(f("%.1f", x.cpuSeconds()))
                    .append(" | ").append(f("%.2f", x.cpuSecondsPerGib())).append(" | ")
                    .append(speedVs(r, Scenarios.AGENT_IMAGE, target, x, peer)).append(" | ")
                    .append(speedVs(r, Scenarios.AGENT_DAEMON, target, x, peer)).append(" | ")
                    .append(x.note() == null ? "" : x.note()).append(" |\n");
        }
    }

    private static String speedVs(Results r, String agentSubject, String target, Measurement peer, boolean isPeer) {
        Optional<Measurement> agent = r.median(agentSubject, target);
        return agent.isPresent() && isPeer ? f("%.2fx", peer.seconds() / agent.get().seconds()) : "-";
    }

    // a | inside a cell would end it
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadmeTableTest {
    private static final String PREVIOUS = String.join("\n", "", "Measured 2026-12-01 (full mode).", "",
            "| target | measured | met |", "|---|---|---|",
            "| one zlib restore >= 3.0x Cinder | 0.98x | **no** |",
            "| peak RSS, 41 restores into rbd <= B + 160 MiB = 416 MiB | 377 MiB | yes |",
            "| one restore into RBD >= 1.5x `zstdcat \\| rbd import -` | 0.60x | **no** |", "",
            "Full report: [bench/results/2026-12-01-full/report.md](bench/results/2026-12-01-full/report.md).", "");

    @Test
    void theRunsRowsReplaceTheirTargetsAndTheOthersStay() {
        String headline = String.join("\n", "Measured 2026-12-03 (full mode).", "", "| target | measured | met |",
                "|---|---|---|", "| one zlib restore >= 3.0x Cinder | 3.10x | yes |",
                "| one restore from S3 >= 0.8x the same from posix | 0.91x | yes |", "");

        String merged = ReadmeTable.merge(PREVIOUS, headline, "Rows of sections 4 and 5 measured 2026-12-03.");

        assertThat(merged).isEqualTo(String.join("\n", "Rows of sections 4 and 5 measured 2026-12-03.", "",
                "| target | measured | met |", "|---|---|---|",
                "| one zlib restore >= 3.0x Cinder | 3.10x | yes |",
                "| peak RSS, 41 restores into rbd <= B + 160 MiB = 416 MiB | 377 MiB | yes |",
                "| one restore into RBD >= 1.5x `zstdcat \\| rbd import -` | 0.60x | **no** |",
                "| one restore from S3 >= 0.8x the same from posix | 0.91x | yes |", "",
                "Earlier rows: [bench/results/2026-12-01-full/report.md](bench/results/2026-12-01-full/report.md).",
                ""));
    }

    @Test
    void aSecondPartialRunKeepsTheLinkToTheRunTheKeptRowsCameFrom() {
        String once = ReadmeTable.merge(PREVIOUS, "| one zlib restore >= 3.0x Cinder | 3.10x | yes |\n", "first")
                + "\nFull report: [b/2026-12-02/report.md](b/2026-12-02/report.md).\n";

        String twice = ReadmeTable.merge(once, "| one zlib restore >= 3.0x Cinder | 3.20x | yes |\n", "second");

        assertThat(twice).contains("| one zlib restore >= 3.0x Cinder | 3.20x | yes |")
                .doesNotContain("3.10x")
                .contains("Earlier rows: [bench/results/2026-12-01-full/report.md]")
                .doesNotContain("2026-12-02");
    }
}

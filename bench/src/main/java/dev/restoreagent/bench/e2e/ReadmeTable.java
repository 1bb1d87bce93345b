package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's targets table after a run of some sections only: that run's rows replace the rows of the same
 * targets, and every other row stays as the earlier run measured it.
 */
final class ReadmeTable {
    private static final String HEADER = "| target | measured | met |";
    private static final String RULE = "|---|---|---|";

    private ReadmeTable() {}

    /**
     * The table of {@code previous} (the text between the README's markers) with {@code headline}'s rows
     * (Report.headline's text) merged in; earlier rows first in their order, new targets after them.
     * {@code measuredLine} replaces the headline's "Measured ..." line.
     */
    static String merge(String previous, String headline, String measuredLine) {
        Map<String, String> rows = new LinkedHashMap<>();
        List<String> earlierLinks = new ArrayList<>();
        for (String line : previous.split("\n")) {
            if (isRow(line)) {
                rows.put(target(line), line);
            } else if (line.startsWith("Full report: ") || line.startsWith("Earlier rows: ")) {
                earlierLinks.add(line.startsWith("Full report: ")
                        ? "Earlier rows: " + line.substring("Full report: ".length()) : line);
            }
        }
        for (String line : headline.split("\n")) {
            if (isRow(line)) {
                rows.put(target(line), line);
            }
        }
        StringBuilder md = new StringBuilder(measuredLine).append("\n\n").append(HEADER).append("\n").append(RULE)
                .append("\n");
        rows.values().forEach(r -> md.append(r).append("\n"));
        if (!earlierLinks.isEmpty()) {
            md.append("\n").append(earlierLinks.get(0)).append("\n");
        }
        return md.toString();
    }

    private static boolean isRow(String line) {
        return line.startsWith("| ") && !line.equals(HEADER);
    }

    // the first cell; a | inside a cell is escaped as \|, so " | " ends it
    private static String target(String row) {
        int end = row.indexOf(" | ", 2);
        return end < 0 ? row : row.substring(2, end);
    }
}

package dev.restoreagent.bench.e2e;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The report sections {@code --scenarios} names: {@code all} (1 to 5), or a comma-separated list of
 * {@code cinder} (section 4) and {@code s3} (section 5).
 */
record ScenarioSelection(boolean core, boolean cinder, boolean s3) {
    static final String CINDER = "cinder";
    static final String S3 = "s3";

    /** The selection {@code text} names; an IllegalArgumentException saying what it accepts otherwise. */
    static ScenarioSelection parse(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : text.split(",", -1)) {
            names.add(name.trim());
        }
        if (names.equals(Set.of("all"))) {
            return new ScenarioSelection(true, true, true);
        }
        for (String name : names) {
            if (!List.of(CINDER, S3).contains(name)) {
                throw new IllegalArgumentException("--scenarios: all, or a comma-separated list of cinder and s3,"
                        + " not '" + text + "'");
            }
        }
        return new ScenarioSelection(false, names.contains(CINDER), names.contains(S3));
    }

    boolean everything() {
        return core && cinder && s3;
    }

    /** The sections run, for the report: e.g. "sections 4 and 5". */
    String sections() {
        if (everything()) {
            return "sections 1 to 5";
        }
        return cinder && s3 ? "sections 4 and 5" : cinder ? "section 4" : "section 5";
    }
}

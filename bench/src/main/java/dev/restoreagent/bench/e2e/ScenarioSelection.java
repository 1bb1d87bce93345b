package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The report sections {@code --scenarios} names: {@code all} (1 to 6), or a comma-separated list of
 * {@code cinder} (section 4), {@code s3} (section 5) and {@code ceph} (section 6).
 */
record ScenarioSelection(boolean core, boolean cinder, boolean s3, boolean ceph) {
    static final String CINDER = "cinder";
    static final String S3 = "s3";
    static final String CEPH = "ceph";

    /** The selection {@code text} names; an IllegalArgumentException saying what it accepts otherwise. */
    static ScenarioSelection parse(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : text.split(",", -1)) {
            names.add(name.trim());
        }
        if (names.equals(Set.of("all"))) {
            return new ScenarioSelection(true, true, true, true);
        }
        for (String name : names) {
            if (!List.of(CINDER, S3, CEPH).contains(name)) {
                throw new IllegalArgumentException("--scenarios: all, or a comma-separated list of cinder, s3 and"
                        + " ceph, not '" + text + "'");
            }
        }
        return new ScenarioSelection(false, names.contains(CINDER), names.contains(S3), names.contains(CEPH));
    }

    boolean everything() {
        return core && cinder && s3 && ceph;
    }

    /** The sections run, for the report: e.g. "sections 4 and 5". */
    String sections() {
        if (everything()) {
            return "sections 1 to 6";
        }
        List<String> numbers = new ArrayList<>();
        if (cinder) {
            numbers.add("4");
        }
        if (s3) {
            numbers.add("5");
        }
        if (ceph) {
            numbers.add("6");
        }
        if (numbers.size() == 1) {
            return "section " + numbers.get(0);
        }
        return "sections " + String.join(", ", numbers.subList(0, numbers.size() - 1)) + " and "
                + numbers.get(numbers.size() - 1);
    }
}

package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.daemon.AgentConfig.ConfigException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The line format of agent.conf: {@code key = value} lines; blank lines and lines starting with {@code #}
 * are comments, and so is the rest of a line from a {@code #} that follows whitespace. Anything else (a
 * {@code [section]}, a line without {@code =}, a key not in the known set nor a store's
 * ({@link StoreConfig}), a key given twice) is refused.
 */
final class ConfLines {
    /** One {@code key = value} line: its 1-based number and the value, stripped, comment removed. */
    record Setting(int line, String value) {
    }

    private ConfLines() {
    }

    /**
     * The settings in {@code lines}, in file order.
     *
     * @param known every key allowed; null allows any (for reading {@link AgentConfig#DEFAULTS} itself)
     * @throws ConfigException at the first line that is not a comment or a {@code key = value} with a known,
     *     new key
     */
    static Map<String, Setting> parse(List<String> lines, Path file, Set<String> known) throws ConfigException {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String text = withoutComment(lines.get(i)).strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.startsWith("[")) {
                throw new ConfigException(file, number, null, "sections are not supported: '" + text
                        + "' (agent.conf is key = value lines only)");
            }
            int equals = text.indexOf('=');
            String key = equals < 0 ? "" : text.substring(0, equals).strip();
            if (key.isEmpty()) {
                throw new ConfigException(file, number, null, "not a key = value line: '" + text + "'");
            }
            if (known != null && !known.contains(key) && !StoreConfig.accepts(key)) {
                Set<String> candidates = new java.util.HashSet<>(known);
                candidates.addAll(StoreConfig.candidates(key));
                String nearest = nearest(key, candidates);
                throw new ConfigException(file, number, key, "unknown key '" + key + "'"
                        + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
            }
            Setting first = settings.putIfAbsent(key, new Setting(number, text.substring(equals + 1).strip()));
            if (first != null) {
                throw new ConfigException(file, number, key, key + ": given twice (first on line " + first.line()
                        + ")");
            }
        }
        return settings;
    }

    private static String withoutComment(String line) {
        if (line.stripLeading().startsWith("#")) {
            return "";
        }
        // a '#' inside a value (no whitespace before it) is part of the value
        for (int i = 1; i < line.length(); i++) {
            if (line.charAt(i) == '#' && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** The known key closest to {@code key}, if close enough to be a slip: a typo, or a unit suffix left off. */
    private static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = candidate.startsWith(key) ? 0 : distance(key, candidate);
            if (distance < bestDistance || distance == bestDistance && candidate.compareTo(best) < 0) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

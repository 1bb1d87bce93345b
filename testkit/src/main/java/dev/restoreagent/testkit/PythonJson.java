package dev.restoreagent.testkit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Serialises plain Java values exactly as CPython's {@code json.dumps(value, sort_keys=..., indent=...)}
 * does with its other defaults ({@code ensure_ascii=True}).
 *
 * <p>Supported values: {@link Map} with {@link String} keys, {@link List}, {@link String}, integral
 * {@link Number}s ({@link Byte}, {@link Short}, {@link Integer}, {@link Long}, {@link BigInteger}),
 * {@link Boolean} and {@code null}. Anything else throws {@link IllegalArgumentException}: floats are left
 * out on purpose because Python's float repr is not Java's.
 *
 * <p>Output rules copied from CPython: with {@code indent == null} everything is on one line with the
 * separators {@code ", "} and {@code ": "}; with an indent every element goes on its own line, indented by
 * {@code indent × depth} spaces, with the separators {@code ","} and {@code ": "}. Empty containers are
 * {@code []} and {@code {}}. Every character outside {@code ' '..'~'} is escaped ({@code \n}, {@code \"} and
 * friends by name, the rest as lower-case {@code \}{@code uXXXX} UTF-16 units). Sorted keys are compared by
 * code point, as Python compares {@code str}. There is no trailing newline.
 */
public final class PythonJson {

    // Python compares str by code point; String.compareTo compares UTF-16 units, which differs above U+FFFF.
    private static final Comparator<String> CODE_POINT_ORDER =
            (a, b) -> {
                int i = 0;
                int j = 0;
                while (i < a.length() && j < b.length()) {
                    int ca = a.codePointAt(i);
                    int cb = b.codePointAt(j);
                    if (ca != cb) {
                        return Integer.compare(ca, cb);
                    }
                    i += Character.charCount(ca);
                    j += Character.charCount(cb);
                }
                return Integer.compare(a.length() - i, b.length() - j);
            };

    private final boolean sortKeys;
    private final Integer indent;
    private final StringBuilder out = new StringBuilder();

    private PythonJson(boolean sortKeys, Integer indent) {
        if (indent != null && indent < 0) {
            throw new IllegalArgumentException("indent must be >= 0: " + indent);
        }
        this.sortKeys = sortKeys;
        this.indent = indent;
    }

    /**
     * Returns the JSON text that {@code json.dumps(value, sort_keys=sortKeys, indent=indent)} would return.
     *
     * @param value a tree of the supported types (see the class comment)
     * @param sortKeys whether map keys are written in sorted order (else in the map's iteration order)
     * @param indent {@code null} for single-line output, else the number of spaces per nesting level
     */
    public static String dumps(Object value, boolean sortKeys, Integer indent) {
        PythonJson writer = new PythonJson(sortKeys, indent);
        writer.value(value, 0);
        return writer.out.toString();
    }

    private void value(Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            object(map, depth);
        } else if (value instanceof List<?> list) {
            array(list, depth);
        } else {
            throw new IllegalArgumentException("unsupported JSON value type: " + value.getClass().getName());
        }
    }

    private void object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<String> keys = new ArrayList<>(map.size());
        for (Object key : map.keySet()) {
            if (!(key instanceof String s)) {
                throw new IllegalArgumentException("JSON object keys must be strings: " + key);
            }
            keys.add(s);
        }
        if (sortKeys) {
            keys.sort(CODE_POINT_ORDER);
        }
        out.append('{');
        boolean first = true;
        for (String key : keys) {
            separator(first, depth + 1);
            first = false;
            string(key);
            out.append(": ");
            value(map.get(key), depth + 1);
        }
        closing(depth);
        out.append('}');
    }

    private void array(List<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object element : list) {
            separator(first, depth + 1);
            first = false;
            value(element, depth + 1);
        }
        closing(depth);
        out.append(']');
    }

    private void separator(boolean first, int depth) {
        if (indent == null) {
            if (!first) {
                out.append(", ");
            }
            return;
        }
        if (!first) {
            out.append(',');
        }
        newline(depth);
    }

    private void closing(int depth) {
        if (indent != null) {
            newline(depth);
        }
    }

    private void newline(int depth) {
        out.append('\n');
        out.append(" ".repeat(indent * depth));
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ' || c > '~') {
                        // A Java char is a UTF-16 unit, so this also yields Python's surrogate pairs above U+FFFF.
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

package dev.restoreagent.agent.failure;

/**
 * Makes text that may hold names from input (object names, paths, parser messages quoting a
 * backup) safe to print as one line: a name with a newline must not start a forged log line, and
 * terminal control sequences must not reach a terminal.
 */
public final class OneLine {
    private OneLine() {
    }

    /**
     * {@code text} with control characters escaped the way a C string literal writes them:
     * {@code \n}, {@code \t}, {@code \r}, otherwise {@code \xNN} (or {@code \\u}{@code NNNN} for the
     * Unicode line separators). Printable text, non-ASCII letters and backslashes included, is
     * left as it is, so escaping twice changes nothing: messages quote messages.
     */
    public static String escape(String text) {
        if (text == null || text.chars().allMatch(c -> !needsEscape(c))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (!needsEscape(c)) {
                        out.append((char) c);
                    } else if (c <= 0xff) {
                        out.append(String.format("\\x%02x", c));
                    } else {
                        out.append(String.format("\\u%04x", c));
                    }
                }
            }
        });
        return out.toString();
    }

    private static boolean needsEscape(int c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
    }
}

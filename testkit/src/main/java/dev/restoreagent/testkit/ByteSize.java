package dev.restoreagent.testkit;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/**
 * Parses byte counts for the command line: a plain number of bytes, or a number with one of the binary suffixes
 * {@code K}, {@code M}, {@code G}, {@code T} (optionally followed by {@code iB} or {@code B}), case-insensitive:
 * {@code 1M}, {@code 1MiB} and {@code 1048576} are the same.
 */
final class ByteSize implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMGT])(?:I?B)?)?");

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    /**
     * Returns the number of bytes {@code value} stands for.
     *
     * @throws IllegalArgumentException if it is not a size or does not fit in a long
     */
    static long parse(String value) {
        Matcher m = SIZE.matcher(value.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a byte size: '" + value + "' (examples: 12345, 64K, 3MiB, 2G)");
        }
        int shift =
                m.group(2) == null ? 0 : 10 * ("KMGT".indexOf(m.group(2).charAt(0)) + 1);
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("byte size too large: '" + value + "'", e);
        }
    }
}

package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.daemon.AgentConfig.ConfigException;
import dev.restoreagent.agent.daemon.ConfLines.Setting;
import dev.restoreagent.units.Sizes;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Typed values of an agent.conf, each read where it was set, so that a refusal names the file, line and key.
 * The readers ({@link #size}, {@link #wholeNumber}, …) throw {@link IllegalArgumentException} with the
 * problem only; {@link #read} adds where.
 */
final class ConfValues {
    private final Path file;
    private final Map<String, Setting> settings;

    /** {@code settings} holds every key: the file's over the defaults'. */
    ConfValues(Path file, Map<String, Setting> settings) {
        this.file = file;
        this.settings = settings;
    }

    /** Whether {@code key} has a value (the file's or a default). */
    boolean has(String key) {
        return settings.containsKey(key);
    }

    /** {@code key}'s value through {@code reader}; its {@link IllegalArgumentException} becomes a refusal. */
    <T> T read(String key, Function<String, T> reader) throws ConfigException {
        return check(key, () -> reader.apply(settings.get(key).value()));
    }

    /** Runs {@code validation} of a value read from {@code key}, refusing at that key's line if it throws. */
    <T> T check(String key, Supplier<T> validation) throws ConfigException {
        try {
            return validation.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, settings.get(key).line(), key, key + ": " + e.getMessage());
        }
    }

    static long size(String value) {
        return Sizes.parse(value);
    }

    static long positiveSize(String value) {
        long bytes = size(value);
        if (bytes == 0) {
            throw new IllegalArgumentException("must be more than 0");
        }
        return bytes;
    }

    static int intSize(String value) {
        long bytes = size(value);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too large: '" + value + "' (at most 2047MiB)");
        }
        return (int) bytes;
    }

    /** A whole number, 0 or more, in digits only. */
    static long wholeNumber(String value) {
        // digits only: Long.parseLong would also take "-1" and "+1"
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a whole number: '" + value + "'");
        }
        return Long.parseLong(value);
    }

    static int wholeInt(String value) {
        long number = wholeNumber(value);
        if (number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too large: '" + value + "'");
        }
        return (int) number;
    }

    static boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false: '" + value + "'");
        };
    }

    static String required(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return value;
    }

    /** Null when empty. */
    static String optional(String value) {
        return value.isEmpty() ? null : value;
    }

    /** Comma-separated, empty items dropped. */
    static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    static Path path(String value) {
        return Path.of(required(value));
    }
}

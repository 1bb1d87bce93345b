package dev.restoreagent.units;

import java.util.Locale;

/** Byte sizes as people write and read them, in binary units. */
public final class Sizes {
    public static final long KIB = 1024;
    public static final long MIB = 1024 * KIB;
    public static final long GIB = 1024 * MIB;

    private Sizes() {
    }

    /**
     * Parses {@code 4096}, {@code 64MiB}, {@code 64M}, {@code 1GiB}, {@code 2T}. K, M, G and T
     * mean powers of 1024 with or without {@code iB}/{@code B}, as in {@code rbd} and {@code qemu-img}.
     *
     * @throws IllegalArgumentException naming the text when it is not a size
     */
    public static long parse(String text) {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 18) {
            throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 4096, 64MiB, 1GiB)");
        }
        long number = Long.parseLong(s.substring(0, i));
        int shift = switch (s.substring(i).trim().toUpperCase(Locale.ROOT)) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 10;
            case "M", "MB", "MIB" -> 20;
            case "G", "GB", "GIB" -> 30;
            case "T", "TB", "TIB" -> 40;
            default -> throw new IllegalArgumentException("unknown unit in size '" + text
                    + "' (use B, KiB, MiB, GiB or TiB)");
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return number << shift;
    }

    /** {@code 64.0 MiB}, {@code 512 B}. */
    public static String format(long bytes) {
        if (bytes < KIB) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}

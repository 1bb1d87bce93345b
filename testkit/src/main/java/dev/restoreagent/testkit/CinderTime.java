package dev.restoreagent.testkit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** The timestamp spellings that appear in Cinder backups, all in UTC. */
final class CinderTime {

    // Python str(datetime) of an aware datetime: "2026-11-22 00:26:47+00:00", ".ffffff" only if microseconds != 0.
    private static final DateTimeFormatter PYTHON_STR_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PYTHON_STR_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PYTHON_STR_PARSER =
            new DateTimeFormatterBuilder()
                    .appendPattern("yyyy-MM-dd HH:mm:ss")
                    .optionalStart()
                    .appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
                    .optionalEnd()
                    .appendPattern("xxx")
                    .toFormatter()
                    .withZone(ZoneOffset.UTC);
    // utcnow().strftime("%Y%m%d%H%M%S") in ChunkedBackupDriver._generate_object_name_prefix.
    private static final DateTimeFormatter PREFIX_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    // oslo.utils isotime(), used by oslo.versionedobjects DateTimeField.to_primitive (export record).
    private static final DateTimeFormatter ISO_Z =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    // oslo.serialization jsonutils.to_primitive of a naive DB datetime: "%Y-%m-%dT%H:%M:%S.%f" (volume_meta).
    private static final DateTimeFormatter PRIMITIVE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private CinderTime() {}

    /** {@code str(datetime)} as found in {@code created_at} of the metadata and sha256file. */
    static String pythonStr(Instant t) {
        return (t.getNano() / 1000 == 0 ? PYTHON_STR_SECONDS : PYTHON_STR_MICROS).format(t);
    }

    /** Parses {@link #pythonStr}, with or without microseconds. */
    static Instant parsePythonStr(String s) {
        return PYTHON_STR_PARSER.parse(s, Instant::from);
    }

    /** The {@code YYYYmmddHHMMSS} part of an object prefix. */
    static String prefixStamp(Instant t) {
        return PREFIX_STAMP.format(t);
    }

    /** The ISO form with a {@code Z} used in the export record. */
    static String isoZ(Instant t) {
        return ISO_Z.format(t);
    }

    /** The ISO form with microseconds and no zone used for DB columns in {@code volume_meta}. */
    static String primitive(Instant t) {
        return PRIMITIVE.format(t);
    }
}

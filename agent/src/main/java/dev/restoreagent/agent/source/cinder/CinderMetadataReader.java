package dev.restoreagent.agent.source.cinder;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.NoSuchObjectException;
import dev.restoreagent.agent.source.store.StoredDigest;
import dev.restoreagent.agent.source.Codec;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a {@code <prefix>_metadata} file (format version 1.0.0, as Cinder's chunked
 * driver writes it). Everything Cinder itself accepts from a real backup is accepted; what could
 * only come from damage or malice is refused with a sentence naming the file, the object and the
 * field.
 *
 * <p>The file is streamed, never held whole or as a tree, and bounded in heap by the limits below
 * as well as in bytes: a hostile file is refused with the limit it broke, not with an exhausted
 * heap. It is read twice: once for its version, so that a file of another version is refused as
 * such, and once for its objects.
 */
public final class CinderMetadataReader {
    /** The only format version Cinder has ever written (and the only one it restores). */
    public static final String VERSION = "1.0.0";
    /**
     * Larger metadata is refused rather than parsed. Cinder writes about 285 bytes an object
     * (indented JSON), so this holds {@link #MAX_OBJECTS}.
     */
    public static final long MAX_METADATA_BYTES = 128L << 20;
    /**
     * More objects are refused: a 16 TiB volume in Swift's default 50 MiB chunks has 335,545, and
     * the default posix chunk of 1.86 GiB makes 9,000. Measured: Cinder-written metadata of
     * 400,000 objects is 114 MB, parses in 1.8 s and holds 119 MiB of heap (about 300 bytes an
     * object), within the launcher's 256 MiB heap.
     */
    public static final int MAX_OBJECTS = 400_000;
    /** The format nests four deep (metadata, objects list, entry, object); more is not Cinder's. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Longest string value read; {@code volume_meta}, the only long one, is skipped unread. */
    public static final int MAX_STRING_CHARS = 1 << 20;
    /** Longest object name: S3's key limit; a posix file name is at most 255 bytes. */
    public static final int MAX_NAME_CHARS = 1024;
    /** No volume is larger than 1 PiB; an offset beyond it is damage, not data. */
    public static final long MAX_VOLUME_BYTES = 1L << 50;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(MAX_NAME_CHARS + 1)
                    .maxDocumentLength(MAX_METADATA_BYTES)
                    .build())
            // object names are unique: interning hundreds of thousands of them would only cost heap
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

    private CinderMetadataReader() {
    }

    /** The metadata's top-level strings. */
    private record Header(String version, String backupId, String parentId, String volumeId, boolean hasObjects) {
    }

    /**
     * Reads {@code located}'s metadata object once, its header and its objects in one pass (an
     * object store's GET is a round trip: the header is checked after the pass, which its limits
     * bound whatever the object holds).
     *
     * @param expectedBackupId the id the caller looked for; the file must say the same
     */
    public static CinderMetadata read(LocatedBackup located, String expectedBackupId) throws RestoreFailure {
        BackupContainer container = located.container();
        String name = located.metadataName();
        String where = "metadata " + container.describe(name);
        try {
            Header header;
            List<CinderObject> objects = new ArrayList<>();
            try (ReadableByteChannel channel = container.open(name, StoredDigest.CHECK)) {
                if (channel instanceof SeekableByteChannel file && file.size() > MAX_METADATA_BYTES) {
                    throw RestoreFailure.badInput(where + " is " + file.size() + " bytes, more than the "
                            + MAX_METADATA_BYTES + " bytes a backup's metadata can plausibly be");
                }
                header = parse(channel, where, objects, expectedBackupId);
            }
            String backupId = checkHeader(header, where, expectedBackupId);
            checkNoOverlap(objects, where);
            String parentId = header.parentId() == null ? null
                    : BackupIds.check(header.parentId(), where + ": parent_id");
            return new CinderMetadata(where, backupId, parentId, header.volumeId(), objects);
        } catch (NoSuchObjectException e) {
            throw RestoreFailure.badInput("backup " + located.backupId() + ": " + where + " does not exist", e);
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot read " + where + ": " + e.getMessage(), e);
        }
    }

    private static String checkHeader(Header header, String where, String expectedBackupId) throws RestoreFailure {
        if (header.version() == null) {
            throw RestoreFailure.badInput(where + " has no version string");
        }
        if (!VERSION.equals(header.version())) {
            throw RestoreFailure.badInput(where + " has version '" + header.version()
                    + "'; only backup format version " + VERSION + " is supported");
        }
        String backupId = BackupIds.check(required(header.backupId(), "backup_id", where), where + ": backup_id");
        if (expectedBackupId != null && !backupId.equals(expectedBackupId)) {
            throw RestoreFailure.badInput(where + " belongs to backup " + backupId + ", not " + expectedBackupId);
        }
        required(header.volumeId(), "volume_id", where);
        if (!header.hasObjects()) {
            throw RestoreFailure.badInput(where + " has no objects list");
        }
        return backupId;
    }

    private static String required(String value, String field, String where) throws RestoreFailure {
        if (value == null) {
            throw RestoreFailure.badInput(where + " has no " + field + " string");
        }
        return value;
    }

    /**
     * Streams the file once, validating the objects list's entries into {@code objects}. The
     * header's strings that came before the list (all of them, as Cinder writes the file) are
     * checked before it is read, so a file of another backup or version is refused as such, not
     * for its objects.
     */
    private static Header parse(ReadableByteChannel channel, String where, List<CinderObject> objects,
                                String expectedBackupId) throws RestoreFailure, IOException {
        try (JsonParser parser = JSON.createParser(Channels.newInputStream(channel))) {
            try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw RestoreFailure.badInput(where + " is not a JSON object");
                }
                String version = null;
                String backupId = null;
                String parentId = null;
                String volumeId = null;
                boolean hasObjects = false;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (field) {
                        case "version" -> version = string(parser);
                        case "backup_id" -> backupId = string(parser);
                        case "volume_id" -> volumeId = string(parser);
                        // a parent id that is not a string is refused by name later, as it reads
                        case "parent_id" -> parentId = value == JsonToken.VALUE_NULL ? null
                                : value.isScalarValue() ? parser.getText() : skipped(parser, "{...}");
                        case "objects" -> {
                            hasObjects = value == JsonToken.START_ARRAY;
                            if (hasObjects && version != null && backupId != null && volumeId != null) {
                                checkHeader(new Header(version, backupId, parentId, volumeId, true), where,
                                        expectedBackupId);
                            }
                            if (hasObjects) {
                                readObjects(parser, objects, where);
                            } else {
                                parser.skipChildren();
                            }
                        }
                        default -> parser.skipChildren();
                    }
                }
                if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                    throw RestoreFailure.badInput(where + " is not valid JSON: data after its end at "
                            + at(parser.currentLocation()));
                }
                return new Header(version, backupId, parentId, volumeId, hasObjects);
            } catch (StreamConstraintsException e) {
                throw RestoreFailure.badInput(where + " is refused at " + at(parser.currentLocation()) + ": "
                        + e.getOriginalMessage().replaceAll(", from `StreamReadConstraints[^`]*`", ""), e);
            } catch (JsonProcessingException e) {
                JsonLocation location = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
                throw RestoreFailure.badInput(where + " is not valid JSON: " + e.getOriginalMessage()
                        + " at " + at(location), e);
            }
        }
    }

    private static String at(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The current value if it is a string, null otherwise (a wrong type reads as missing). */
    private static String string(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    private static String skipped(JsonParser parser, String shownAs) throws IOException {
        parser.skipChildren();
        return shownAs;
    }

    private static void readObjects(JsonParser parser, List<CinderObject> objects, String where)
            throws RestoreFailure, IOException {
        Set<String> names = new HashSet<>();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (index == MAX_OBJECTS) {
                throw RestoreFailure.badInput(where + " lists more than " + MAX_OBJECTS
                        + " objects, the most this agent reads from one backup");
            }
            CinderObject object = object(parser, index, where);
            if (!names.add(object.name())) {
                throw RestoreFailure.badInput(where + " lists object " + object.name() + " twice");
            }
            objects.add(object);
            index++;
        }
    }

    /** Reads one entry, {@code {"<name>": {"compression": ..., "length": ..., "md5": ..., "offset": ...}}}. */
    private static CinderObject object(JsonParser parser, int index, String where) throws RestoreFailure, IOException {
        String at = where + ": objects[" + index + "]";
        if (parser.currentToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
            throw RestoreFailure.badInput(at + " is not an object with exactly one key (the object name)");
        }
        String name = parser.currentName();
        checkName(name, at);
        at = at + " (" + name + ")";
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw RestoreFailure.badInput(at + " is not a JSON object");
        }
        Long offset = null;
        Long length = null;
        String md5 = null;
        String tag = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "offset" -> offset = integer(parser, field, at);
                case "length" -> length = integer(parser, field, at);
                case "md5" -> md5 = string(parser);
                case "compression" -> tag = string(parser);
                default -> parser.skipChildren();
            }
        }
        if (parser.nextToken() != JsonToken.END_OBJECT) {
            throw RestoreFailure.badInput(where + ": objects[" + index
                    + "] is not an object with exactly one key (the object name)");
        }
        if (offset == null || length == null) {
            throw RestoreFailure.badInput(at + " has no integer " + (offset == null ? "offset" : "length"));
        }
        if (offset > MAX_VOLUME_BYTES || length > MAX_VOLUME_BYTES - offset) {
            throw RestoreFailure.badInput(at + " ends at " + (offset > MAX_VOLUME_BYTES ? "offset " + offset
                    : (offset + length)) + ", beyond any volume (1 PiB)");
        }
        if (md5 == null) {
            throw RestoreFailure.badInput(at + " has no md5 string");
        }
        if (!MD5.matcher(md5).matches()) {
            throw RestoreFailure.badInput(at + " has md5 '" + md5 + "', which is not 32 hex digits");
        }
        if (tag == null) {
            throw RestoreFailure.badInput(at + " has no compression string");
        }
        String shownTag = tag;
        Codec codec = Codec.ofCinderTag(tag).orElseThrow(() -> RestoreFailure.badInput(
                where + ": object " + name + " has unknown compression tag '" + shownTag
                        + "' (known: none, off, no, zlib, gzip, bz2, bzip2, zstd)"));
        // one String per codec, not one per object
        return new CinderObject(index, name, offset, length, md5.toLowerCase(Locale.ROOT), tag.intern(), codec);
    }

    private static long integer(JsonParser parser, String field, String at) throws RestoreFailure, IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw RestoreFailure.badInput(at + " has no integer " + field);
        }
        long number = parser.getLongValue();
        if (number < 0) {
            throw RestoreFailure.badInput(at + " has a negative " + field + " (" + number + ")");
        }
        return number;
    }

    private static void checkName(String name, String at) throws RestoreFailure {
        // object names are joined to a container path or an object store's URL: nothing that could
        // leave it. Object stores' names have '/' levels (volume_<id>/<time>/az_..._backup_<id>-00001);
        // a directory container refuses them when it opens one
        if (name.length() > MAX_NAME_CHARS) {
            throw RestoreFailure.badInput(at + " has an object name of " + name.length()
                    + " characters, more than the " + MAX_NAME_CHARS + " any object store allows");
        }
        boolean badLevel = false;
        for (String level : name.split("/", -1)) {
            badLevel |= level.isEmpty() || level.equals(".") || level.equals("..");
        }
        if (badLevel || name.indexOf('\0') >= 0) {
            throw RestoreFailure.badInput(at + " has object name '" + name
                    + "', which is not a plain object name");
        }
    }

    private static void checkNoOverlap(List<CinderObject> objects, String where) throws RestoreFailure {
        List<CinderObject> byOffset = new ArrayList<>(objects);
        byOffset.sort(Comparator.comparingLong(CinderObject::offsetBytes));
        for (int i = 1; i < byOffset.size(); i++) {
            CinderObject previous = byOffset.get(i - 1);
            CinderObject current = byOffset.get(i);
            if (current.offsetBytes() < previous.endBytes()) {
                throw RestoreFailure.badInput(where + ": object " + current.name() + " at offset "
                        + current.offsetBytes() + " overlaps object " + previous.name() + " ("
                        + previous.offsetBytes() + " to " + previous.endBytes() + ")");
            }
        }
    }
}

package dev.restoreagent.agent.source.cinder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.agent.restore.RestoreFailure;
import dev.restoreagent.agent.source.Codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a {@code <prefix>_metadata} file (format version 1.0.0, as Cinder's chunked
 * driver writes it). Everything Cinder itself accepts from a real backup is accepted; what could
 * only come from damage or malice is refused with a sentence naming the file, the object and the
 * field.
 */
public final class CinderMetadataReader {
    /** The only format version Cinder has ever written (and the only one it restores). */
    public static final String VERSION = "1.0.0";
    /**
     * Larger metadata is refused rather than parsed: about 150 bytes an object, this allows some
     * 400,000 objects, far more than a 1.86 GiB chunk size or the run-splitting of increments make.
     */
    public static final long MAX_METADATA_BYTES = 64L << 20;
    /** No volume is larger than 1 PiB; an offset beyond it is damage, not data. */
    public static final long MAX_VOLUME_BYTES = 1L << 50;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

    private CinderMetadataReader() {
    }

    /**
     * @param expectedBackupId the id the caller looked for; the file must say the same
     */
    public static CinderMetadata read(Path file, String expectedBackupId) throws RestoreFailure {
        String where = "metadata " + file;
        JsonNode root = parse(file, where);
        if (!root.isObject()) {
            throw RestoreFailure.badInput(where + " is not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isTextual()) {
            throw RestoreFailure.badInput(where + " has no version string");
        }
        if (!VERSION.equals(version.asText())) {
            throw RestoreFailure.badInput(where + " has version '" + version.asText()
                    + "'; only backup format version " + VERSION + " is supported");
        }
        String backupId = BackupIds.check(text(root, "backup_id", where), where + ": backup_id");
        if (expectedBackupId != null && !backupId.equals(expectedBackupId)) {
            throw RestoreFailure.badInput(where + " belongs to backup " + backupId + ", not " + expectedBackupId);
        }
        JsonNode parent = root.get("parent_id");
        String parentId = parent == null || parent.isNull() ? null
                : BackupIds.check(parent.isTextual() ? parent.asText() : parent.toString(), where + ": parent_id");
        String volumeId = text(root, "volume_id", where);
        JsonNode objects = root.get("objects");
        if (objects == null || !objects.isArray()) {
            throw RestoreFailure.badInput(where + " has no objects list");
        }
        List<CinderObject> parsed = new ArrayList<>(objects.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < objects.size(); i++) {
            CinderObject object = object(objects.get(i), i, where);
            if (!names.add(object.name())) {
                throw RestoreFailure.badInput(where + " lists object " + object.name() + " twice");
            }
            parsed.add(object);
        }
        checkNoOverlap(parsed, where);
        return new CinderMetadata(file, backupId, parentId, volumeId, parsed);
    }

    private static JsonNode parse(Path file, String where) throws RestoreFailure {
        try {
            long size = Files.size(file);
            if (size > MAX_METADATA_BYTES) {
                throw RestoreFailure.badInput(where + " is " + size + " bytes, more than the "
                        + MAX_METADATA_BYTES + " bytes a backup's metadata can plausibly be");
            }
            return JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw RestoreFailure.badInput(where + " is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot read " + where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String where) throws RestoreFailure {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw RestoreFailure.badInput(where + " has no " + field + " string");
        }
        return value.asText();
    }

    private static CinderObject object(JsonNode entry, int index, String where) throws RestoreFailure {
        String at = where + ": objects[" + index + "]";
        if (entry == null || !entry.isObject() || entry.size() != 1) {
            throw RestoreFailure.badInput(at + " is not an object with exactly one key (the object name)");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = entry.fields();
        Map.Entry<String, JsonNode> only = fields.next();
        String name = only.getKey();
        checkName(name, at);
        at = at + " (" + name + ")";
        JsonNode body = only.getValue();
        if (!body.isObject()) {
            throw RestoreFailure.badInput(at + " is not a JSON object");
        }
        long offset = integer(body, "offset", at);
        long length = integer(body, "length", at);
        if (offset > MAX_VOLUME_BYTES || length > MAX_VOLUME_BYTES - offset) {
            throw RestoreFailure.badInput(at + " ends at " + (offset > MAX_VOLUME_BYTES ? "offset " + offset
                    : (offset + length)) + ", beyond any volume (1 PiB)");
        }
        String md5 = text(body, "md5", at);
        if (!MD5.matcher(md5).matches()) {
            throw RestoreFailure.badInput(at + " has md5 '" + md5 + "', which is not 32 hex digits");
        }
        String tag = text(body, "compression", at);
        Codec codec = Codec.ofCinderTag(tag).orElseThrow(() -> RestoreFailure.badInput(
                where + ": object " + name + " has unknown compression tag '" + tag
                        + "' (known: none, off, no, zlib, gzip, bz2, bzip2, zstd)"));
        return new CinderObject(index, name, offset, length, md5.toLowerCase(java.util.Locale.ROOT), tag, codec);
    }

    private static long integer(JsonNode body, String field, String at) throws RestoreFailure {
        JsonNode value = body.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw RestoreFailure.badInput(at + " has no integer " + field);
        }
        long number = value.asLong();
        if (number < 0) {
            throw RestoreFailure.badInput(at + " has a negative " + field + " (" + number + ")");
        }
        return number;
    }

    private static void checkName(String name, String at) throws RestoreFailure {
        // object names are joined to the container path: nothing that could leave it
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw RestoreFailure.badInput(at + " has object name '" + name
                    + "', which is not a plain file name");
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

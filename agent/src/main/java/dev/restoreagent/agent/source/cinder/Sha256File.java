package dev.restoreagent.agent.source.cinder;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.StoredDigest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * A backup's {@code <prefix>_sha256file}: the sha256 of every block of the whole volume (the
 * block size is the file's {@code chunk_size}, the last block may be short). It holds 32 bytes of
 * hash for every 32 KiB of volume, 1 GiB for a 1 TiB volume as binary and twice that as JSON, so
 * it is streamed into an unlinked temporary file, never held in the heap, and read back an
 * object's blocks at a time. Closed once, with the restore.
 */
public final class Sha256File implements AutoCloseable {
    static final int HASH_BYTES = 32;
    /** A block larger than this is not Cinder's (its default is 32 KiB). */
    static final int MAX_BLOCK_BYTES = 1 << 30;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(1 << 16)
                    .maxDocumentLength(-1).build())
            .build();

    private final String source;
    private final int blockBytes;
    private final long blocks;
    private final FileChannel hashes;

    private Sha256File(String source, int blockBytes, long blocks, FileChannel hashes) {
        this.source = source;
        this.blockBytes = blockBytes;
        this.blocks = blocks;
        this.hashes = hashes;
    }

    /**
     * Reads and checks object {@code name} of {@code container}; the hashes go into a file in {@code tempDir} that is unlinked
     * at once, so nothing is left behind however the process ends.
     *
     * @throws Sha256FileException saying what is wrong with it (unreadable, not JSON, another backup's,
     *     a hash that is not 64 hex digits)
     */
    public static Sha256File read(BackupContainer container, String name, String backupId, Path tempDir)
            throws Sha256FileException {
        String source = container.describe(name);
        String where = "sha256file " + source;
        Path temp;
        FileChannel out;
        try {
            Files.createDirectories(tempDir);
            temp = Files.createTempFile(tempDir, "sha256-", ".bin");
            out = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Files.delete(temp);
        } catch (IOException e) {
            throw new Sha256FileException("cannot keep the hashes of " + where + " in " + tempDir + ": "
                    + e.getMessage(), e);
        }
        try (ReadableByteChannel in = container.open(name, StoredDigest.CHECK);
             JsonParser parser = JSON.createParser(Channels.newInputStream(in))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Sha256FileException(where + " is not a JSON object");
            }
            String version = null;
            String id = null;
            long blockBytes = -1;
            long count = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "version" -> version = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "backup_id" -> id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "chunk_size" -> blockBytes = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                    case "sha256s" -> count = value == JsonToken.START_ARRAY ? copyHashes(parser, out, where) : -1;
                    default -> parser.skipChildren();
                }
            }
            if (!CinderMetadataReader.VERSION.equals(version)) {
                throw new Sha256FileException(where + " has version " + version + ", not " + CinderMetadataReader.VERSION);
            }
            if (!backupId.equals(id)) {
                throw new Sha256FileException(where + " belongs to backup " + id + ", not " + backupId);
            }
            if (blockBytes <= 0 || blockBytes > MAX_BLOCK_BYTES) {
                throw new Sha256FileException(where + " has no plausible chunk_size (block size): " + blockBytes);
            }
            if (count < 0) {
                throw new Sha256FileException(where + " has no sha256s list");
            }
            Sha256File file = new Sha256File(source, (int) blockBytes, count, out);
            out = null;
            return file;
        } catch (JsonProcessingException e) {
            throw new Sha256FileException(where + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new Sha256FileException("cannot read " + where + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(out);
        }
    }

    private static long copyHashes(JsonParser parser, FileChannel out, String where) throws IOException,
            Sha256FileException {
        ByteBuffer batch = ByteBuffer.allocate(HASH_BYTES * 4096);
        long count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String hex = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
            if (hex == null || hex.length() != 2 * HASH_BYTES || !isHex(hex)) {
                throw new Sha256FileException(where + ": sha256s[" + count + "] is not 64 hex digits");
            }
            batch.put(HexFormat.of().parseHex(hex));
            count++;
            if (!batch.hasRemaining()) {
                write(batch, out);
            }
        }
        write(batch, out);
        return count;
    }

    private static boolean isHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static void write(ByteBuffer batch, FileChannel out) throws IOException {
        batch.flip();
        while (batch.hasRemaining()) {
            out.write(batch);
        }
        batch.clear();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the temporary file is unlinked already; only the descriptor goes
            }
        }
    }

    /** How messages name it: its path, or its object's URL. */
    public String source() {
        return source;
    }

    /** The sha block size: the file's {@code chunk_size}. */
    public int blockBytes() {
        return blockBytes;
    }

    /** How many hashes it lists. */
    public long blocks() {
        return blocks;
    }

    /** The hashes of blocks {@code first} to {@code first + count - 1}, 32 bytes each, in order. */
    public byte[] hashes(long first, int count) throws IOException {
        if (first < 0 || count < 0 || first + count > blocks) {
            throw new IllegalArgumentException("blocks " + first + " to " + (first + count) + " of " + blocks);
        }
        ByteBuffer into = ByteBuffer.allocate(count * HASH_BYTES);
        long at = first * HASH_BYTES;
        while (into.hasRemaining()) {
            int n = hashes.read(into, at + into.position());
            if (n < 0) {
                throw new IOException("the hashes of " + source + " end early");
            }
        }
        return into.array();
    }

    @Override
    public void close() throws IOException {
        hashes.close();
    }
}

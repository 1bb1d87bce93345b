package dev.restoreagent.agent.job;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Jobs on disk, one JSON file each in {@code <state dir>/jobs}, written durably: to a temporary
 * file, fsync, rename over the old one, fsync the directory. A crash leaves the old record or
 * the new one, never a torn one. Thread-safe.
 */
public final class Journal {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    public Journal(Path stateDir) throws IOException {
        this.dir = Files.createDirectories(stateDir.resolve("jobs"));
    }

    public synchronized void save(JobRecord record) throws IOException {
        Path file = dir.resolve(record.id() + ".json");
        Path temporary = dir.resolve(record.id() + ".json.tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(JSON.writeValueAsBytes(record)));
            out.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    public synchronized void delete(String id) throws IOException {
        if (Files.deleteIfExists(dir.resolve(id + ".json"))) {
            syncDirectory();
        }
    }

    /** Every record, oldest first; unreadable files are skipped and named in {@code problems}. */
    public synchronized List<JobRecord> load(List<String> problems) throws IOException {
        List<JobRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    records.add(JSON.readValue(file.toFile(), JobRecord.class));
                } catch (IOException e) {
                    problems.add("cannot read job record " + file + ": " + e.getMessage());
                }
            }
        }
        records.sort(Comparator.comparing(JobRecord::createdAt));
        return records;
    }

    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Jobs on disk, one JSON file each in {@code <state dir>/jobs}, written durably: to a temporary
 * file, fsync, rename over the old one, fsync the directory. A crash leaves the old record or
 * the new one, never a torn one. Thread-safe: one job's records are written one at a time, different
 * jobs' side by side (each waits for its own fsyncs, not for every other job's: with 41 restores
 * running, a lock around all of them held jobs' threads for seconds).
 */
public final class Journal {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One job's records are written under the lock of its id's stripe. */
    private static final int STRIPES = 64;

    private final Path dir;
    private final Object[] stripes = new Object[STRIPES];

    public Journal(Path stateDir) throws IOException {
        this.dir = Files.createDirectories(stateDir.resolve("jobs"));
        Arrays.setAll(stripes, i -> new Object());
    }

    public void save(JobRecord record) throws IOException {
        synchronized (stripe(record.id())) {
            write(record);
        }
    }

    private void write(JobRecord record) throws IOException {
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

    public void delete(String id) throws IOException {
        synchronized (stripe(id)) {
            if (Files.deleteIfExists(dir.resolve(id + ".json"))) {
                syncDirectory();
            }
        }
    }

    /**
     * Every record, oldest first; unreadable files are skipped and named in {@code problems}. A record
     * saved meanwhile is seen whole or not at all (written aside, then renamed).
     */
    public List<JobRecord> load(List<String> problems) throws IOException {
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

    private Object stripe(String id) {
        return stripes[Math.floorMod(id.hashCode(), STRIPES)];
    }

    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

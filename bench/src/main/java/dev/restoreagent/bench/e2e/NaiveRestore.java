package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.Rados;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.nativeb.rbd.RbdImage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The naive baseline, in a process of its own: what Cinder's chunked backup driver does with each
 * object of a backup. It reads the whole object into memory, decompresses it whole, writes it with
 * one synchronous call (into RBD: {@code rbd_write}, which copies it inside librbd; into a file: one
 * positional write), then flushes and syncs, object after object. Several restores run on threads of
 * one process, as in cinder-backup. librbd keeps the settings of the cluster's configuration, as
 * Cinder's does. Nothing is verified, as Cinder verifies nothing.
 *
 * <p>{@code NaiveRestore METADATA_FILE TARGET...}: restores the full backup whose {@code _metadata}
 * file is given into every TARGET at once (a file, or {@code rbd:POOL/IMAGE} of an existing image,
 * with $CEPH_CONF). Prints {@code {"seconds": S, "cpu_seconds": C}} when all are done.
 */
public final class NaiveRestore {
    private static final UnpooledByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(true);

    private final Path container;
    private final List<JsonNode> objects = new ArrayList<>();

    private NaiveRestore(Path metadata) throws IOException {
        this.container = metadata.toAbsolutePath().getParent();
        for (JsonNode entry : new ObjectMapper().readTree(metadata.toFile()).get("objects")) {
            entry.fields().forEachRemaining(f -> {
                ((ObjectNode) f.getValue()).put("name", f.getKey());
                objects.add(f.getValue());
            });
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: NaiveRestore METADATA_FILE TARGET...");
            System.exit(2);
        }
        NaiveRestore restore = new NaiveRestore(Path.of(args[0]));
        List<String> targets = List.of(args).subList(1, args.length);
        Rados rados = null;
        IoContext io = null;
        if (targets.stream().anyMatch(t -> t.startsWith("rbd:"))) {
            rados = Rados.connect(new RadosConfig("ceph", "admin", null, null, Map.of()));
            io = rados.openIoContext(targets.get(0).substring(4, targets.get(0).indexOf('/')), null);
        }
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(targets.size());
        List<Future<?>> running = new ArrayList<>();
        for (String target : targets) {
            IoContext pool = io;
            running.add(threads.submit(() -> {
                restore.into(target, pool);
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
        threads.shutdown();
        if (io != null) {
            io.close();
            rados.close();
        }
        System.out.printf(Locale.ROOT, "{\"seconds\": %.3f, \"cpu_seconds\": %.3f}%n", seconds, cpuSeconds);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void into(String target, IoContext io) throws IOException {
        if (target.startsWith("rbd:")) {
            try (RbdImage image = RbdImage.open(io, target.substring(target.indexOf('/') + 1))) {
                for (JsonNode object : objects) {
                    withObject(object, data -> {
                        image.write(object.get("offset").asLong(), data);
                        image.flush();
                    });
                }
            }
        } else {
            try (FileChannel file = FileChannel.open(Path.of(target), StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (JsonNode object : objects) {
                    withObject(object, data -> {
                        long position = object.get("offset").asLong();
                        while (data.hasRemaining()) {
                            position += file.write(data, position);
                        }
                        file.force(false);
                    });
                }
            }
        }
    }

    private interface ObjectWriter {
        void write(ByteBuffer decompressed) throws IOException;
    }

    // The whole object and its whole decompressed copy are held until the write has returned.
    private void withObject(JsonNode object, ObjectWriter writer) throws IOException {
        String name = object.get("name").asText();
        int length = Math.toIntExact(object.get("length").asLong());
        ByteBuf compressed = readWhole(container.resolve(name));
        ByteBuf decompressed = null;
        try {
            String tag = object.get("compression").isNull() ? "none"
                    : object.get("compression").asText().toLowerCase(Locale.ROOT);
            decompressed = switch (tag) {
                case "none", "off", "no" -> compressed.retain();
                case "zstd" -> zstd(compressed, length, name);
                case "zlib", "gzip" -> zlib(compressed, length, name);
                case "bz2", "bzip2" -> bz2(compressed, length);
                default -> throw new IOException(name + ": unknown compression " + tag);
            };
            writer.write(decompressed.nioBuffer());
        } finally {
            compressed.release();
            if (decompressed != null) {
                decompressed.release();
            }
        }
    }

    private static ByteBuf readWhole(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file)) {
            int size = Math.toIntExact(in.size());
            ByteBuf whole = ALLOCATOR.directBuffer(size, size);
            try {
                while (whole.writableBytes() > 0) {
                    if (whole.writeBytes(in, (long) whole.writerIndex(), whole.writableBytes()) < 0) {
                        throw new IOException(file + ": shorter than " + size + " bytes");
                    }
                }
                return whole;
            } catch (IOException | RuntimeException e) {
                whole.release();
                throw e;
            }
        }
    }

    private static ByteBuf zstd(ByteBuf src, int length, String name) throws IOException {
        ByteBuf out = ALLOCATOR.directBuffer(length, length);
        long n = Zstd.decompressDirectByteBuffer(out.nioBuffer(0, length), 0, length,
                src.nioBuffer(), 0, src.readableBytes());
        if (Zstd.isError(n)) {
            out.release();
            throw new IOException(name + ": zstd: " + Zstd.getErrorName(n));
        }
        return out.writerIndex((int) n);
    }

    private static ByteBuf zlib(ByteBuf src, int length, String name) throws IOException {
        ByteBuf out = ALLOCATOR.directBuffer(length, length);
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(src.nioBuffer());
            ByteBuffer into = out.nioBuffer(0, length);
            while (!inflater.finished() && into.hasRemaining()) {
                if (inflater.inflate(into) == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException(name + ": zlib stream ends early");
                }
            }
            return out.writerIndex(into.position());
        } catch (DataFormatException | IOException e) {
            out.release();
            throw new IOException(name + ": zlib: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static ByteBuf bz2(ByteBuf src, int length) throws IOException {
        ByteBuf out = ALLOCATOR.directBuffer(length, length);
        try (InputStream in = new BZip2CompressorInputStream(new ByteBufInputStream(src.duplicate()))) {
            while (out.writableBytes() > 0 && out.writeBytes(in, out.writableBytes()) > 0) {
                // reads until the object is whole
            }
            return out;
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
    }
}

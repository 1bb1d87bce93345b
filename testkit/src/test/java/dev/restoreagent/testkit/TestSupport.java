package dev.restoreagent.testkit;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/** Helpers shared by the tests: hashing, reading ranges, a Java-side Cinder restore, and running commands. */
final class TestSupport {

    private TestSupport() {}

    static String sha256(Path file) throws IOException {
        return hex("SHA-256", Files.readAllBytes(file));
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] range(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] data = new byte[length];
            raf.seek(offset);
            raf.readFully(data);
            return data;
        }
    }

    /** Decodes an object's bytes by its tag, as Cinder's restore does. */
    static byte[] decompress(String tag, byte[] body, long length) {
        try {
            return switch (tag.toLowerCase(Locale.ROOT)) {
                case "none", "off", "no" -> body;
                case "zlib", "gzip" -> readAll(new InflaterInputStream(new ByteArrayInputStream(body)));
                case "bz2", "bzip2" -> readAll(new BZip2CompressorInputStream(new ByteArrayInputStream(body)));
                case "zstd" -> Zstd.decompress(body, Math.toIntExact(length));
                default -> throw new IllegalArgumentException(tag);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** A command's exit code and output. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    /** Runs a command (stdin empty) and waits for it, at most 2 minutes. */
    static Run run(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("testkit-run", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectInput(Path.of("/dev/null").toFile())
                    .redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("still running after " + COMMAND_TIMEOUT_SECONDS + " s: " + command);
            }
            return new Run(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command, failing unless it exits 0; returns its stdout. */
    static String ok(List<String> command) throws IOException, InterruptedException {
        Run run = run(command);
        if (run.exitCode() != 0) {
            throw new AssertionError(command + " exited " + run.exitCode() + ": " + run.stderr().strip());
        }
        return run.stdout();
    }

    /** The sha256 of a command's stdout, streamed (e.g. {@code rbd export IMAGE -} of GiBs); it must exit 0. */
    static String sha256Of(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("testkit-run", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = p.getInputStream()) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("still running after " + COMMAND_TIMEOUT_SECONDS + " s: " + command);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(command + " exited " + p.exitValue() + ": " + Files.readString(err).strip());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Applies one backup's objects onto {@code target} in list order (seek + write), like _restore_v1. */
    static void applyLayer(CinderBackup backup, Path target) throws IOException {
        try (FileChannel ch =
                FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (ObjectEntry o : backup.objects()) {
                byte[] data =
                        decompress(o.compression(), Files.readAllBytes(backup.objectPath(o.name())), o.length());
                ByteBuffer src = ByteBuffer.wrap(data);
                while (src.hasRemaining()) {
                    ch.write(src, o.offset() + src.position());
                }
            }
        }
    }
}

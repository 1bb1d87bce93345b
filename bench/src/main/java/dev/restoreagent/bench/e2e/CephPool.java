package dev.restoreagent.bench.e2e;

import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.Rados;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.nativeb.rbd.ImageCreateOptions;
import dev.restoreagent.nativeb.rbd.RbdImage;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** The harness's own connection to pool {@code rbd} of a run's cluster: makes and checks the images the run uses. */
final class CephPool implements AutoCloseable {
    static final String POOL = "rbd";

    private final Rados rados;
    private final IoContext io;

    private CephPool(Rados rados, IoContext io) {
        this.rados = rados;
        this.io = io;
    }

    static CephPool connect(Path cephConf) throws NativeIoException {
        Rados rados = Rados.connect(new RadosConfig("ceph", "admin", cephConf, null, Map.of()));
        try {
            return new CephPool(rados, rados.openIoContext(POOL, null));
        } catch (NativeIoException | RuntimeException e) {
            rados.close();
            throw e;
        }
    }

    /** {@code rbd:rbd/NAME}, as the agent takes a target. */
    static String target(String image) {
        return "rbd:" + POOL + "/" + image;
    }

    void create(String image, long sizeBytes) throws NativeIoException {
        RbdImage.create(io, image, sizeBytes, ImageCreateOptions.DEFAULTS);
    }

    /** md5 of the first {@code length} bytes of {@code image}. */
    String md5(String image, long length) throws NativeIoException {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(4 << 20);
        try (RbdImage img = RbdImage.open(io, image)) {
            for (long offset = 0; offset < length; offset += chunk.capacity()) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), length - offset));
                img.read(offset, chunk);
                md5.update(chunk.flip());
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    @Override
    public void close() {
        io.close();
        rados.close();
    }
}

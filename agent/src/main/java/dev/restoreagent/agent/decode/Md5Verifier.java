package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.SourceObject;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The md5 of the whole object, against its metadata's: known only at the end. */
final class Md5Verifier implements Verifier {
    private final SourceObject object;
    private final MessageDigest md5;

    Md5Verifier(SourceObject object) {
        this.object = object;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    @Override
    public void update(ByteBuffer data) {
        md5.update(data.duplicate());
    }

    @Override
    public void finish() throws RestoreFailure {
        String actual = HexFormat.of().formatHex(md5.digest());
        if (!actual.equals(object.md5Hex())) {
            throw RestoreFailure.verification(object.describe() + " at offset " + object.offsetBytes()
                    + " failed verification: md5 expected " + object.md5Hex() + " but was " + actual);
        }
    }
}

package dev.restoreagent.agent.source;

import dev.restoreagent.nativeb.IoCompletion;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A source object's bytes that take several reads at once, each into a buffer of the caller's and told
 * to a completion (an RBD extent, through librbd's AIO). A decode thread then keeps as many reads in flight
 * as it has buffers free, instead of one.
 */
public interface AsyncReads {
    /**
     * The most one read may ask for. The source holds a copy of each read in flight beside the caller's
     * buffer (librados receives into memory of its own before librbd copies it over): the working set counts
     * that much per buffer.
     */
    int maxReadBytes();

    /**
     * Starts reading the object's bytes {@code [offset, offset + into.remaining())} into {@code into}, a direct
     * buffer; {@code done} is told once, on another thread, when they are all there or the read failed. The
     * caller must not touch, reuse or free {@code into} before then.
     *
     * @param offset from the object's first byte
     * @throws IOException if the read could not be started; {@code done} is then never told
     */
    void start(long offset, ByteBuffer into, IoCompletion done) throws IOException;
}

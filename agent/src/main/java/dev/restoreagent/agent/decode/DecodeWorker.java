package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.AsyncReads;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.BufferSink;
import dev.restoreagent.nativeb.libc.NotRegularFileException;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ReadableByteChannel;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one decode thread owns for a whole restore: an input buffer, a pool of output buffers, one
 * decoder per codec, made on first use and reused for every object, and the {@link DigestStage}
 * that verifies and hands on what it decodes. Not thread-safe; closed after its last object, when
 * no decode call is running.
 */
public final class DecodeWorker implements AutoCloseable {
    private final DirectBufferPool inputPool;
    private final DirectBuffer inputBuffer;
    private final DirectBufferPool outputPool;
    private final CompressedInput input;
    private final int zstdWindowLogMax;
    private final Map<Codec, Decoder> decoders = new EnumMap<>(Codec.class);
    private final DigestStage digest = new DigestStage();
    private final ZeroBlocks zeros = new ZeroBlocks();
    private final ReadAhead readAhead;
    /** The object being decoded, for {@link #stalledRead}; null between objects. */
    private volatile SourceObject current;
    /** Whether {@link #current} is read through {@link #readAhead} rather than {@link #input}. */
    private volatile boolean readingAhead;

    /**
     * @param inputPool lends this worker its one input buffer, for the worker's lifetime
     * @param outputPool the worker's own output buffers; ownership stays with the caller
     */
    public DecodeWorker(DirectBufferPool inputPool, DirectBufferPool outputPool, int zstdWindowLogMax)
            throws InterruptedException {
        this.inputPool = inputPool;
        this.inputBuffer = inputPool.take();
        this.outputPool = outputPool;
        this.input = new CompressedInput(inputBuffer.nio());
        this.readAhead = new ReadAhead(outputPool);
        this.zstdWindowLogMax = zstdWindowLogMax;
    }

    /**
     * Reads, decodes and verifies {@code object}, handing each filled buffer to {@code sink}.
     * Returns when the object's last buffer is handed over and its length and md5 checked.
     */
    public void decode(SourceObject object, BufferSink sink) throws RestoreFailure, IOException, InterruptedException {
        if (object.opener().zeros() && sink.skipZeros(object.offsetBytes(), object.lengthBytes())) {
            // known zeros onto a target that reads as zeros: nothing to fill, scan or write
            return;
        }
        ObjectOutput out = new ObjectOutput(outputPool, object, sink, digest, zeros);
        boolean finished = false;
        AsyncReads reads = object.codec() == Codec.NONE ? object.opener().asyncReads() : null;
        readingAhead = reads != null;
        current = object;
        try {
            if (reads != null) {
                // stored bytes from a source that takes several reads at once: straight into the buffers
                readAhead.read(object, reads, out);
            } else {
                decodeChannel(object, out);
            }
            out.finish();
            finished = true;
        } catch (SourceReadException e) {
            if (e.getCause() instanceof ClosedByInterruptException) {
                // the restore stopped this thread; the read itself did not fail
                throw new InterruptedException("decoding " + object.describe() + " stopped");
            }
            throw RestoreFailure.badInput("cannot read " + object.describe() + ": " + e.getMessage(), e);
        } finally {
            if (!finished) {
                // nothing of an object that failed is written after its failure was seen
                digest.stop();
            }
            out.abandon();
            current = null;
        }
    }

    /** Reads the object's bytes through its channel and the input buffer, and decodes them into {@code out}. */
    private void decodeChannel(SourceObject object, ObjectOutput out)
            throws RestoreFailure, IOException, InterruptedException {
        try (ReadableByteChannel channel = open(object)) {
            input.reset(channel);
            Codec codec = object.codec();
            if (codec == null) {
                input.fill(CodecSniffer.MAGIC_BYTES);
                codec = CodecSniffer.sniff(input.buffer());
            }
            decoderFor(codec).decode(object, input, out);
        }
    }

    /**
     * If this worker's read of its object has waited longer than {@code limitNanos} at {@code now},
     * a sentence saying so, naming the object and how far it was read; otherwise null. Safe from
     * any thread.
     */
    public String stalledRead(long now, long limitNanos) {
        SourceObject object = current;
        boolean ahead = readingAhead;
        long blocked = ahead ? readAhead.blockedNanos(now) : input.readBlockedNanos(now);
        if (object == null || blocked <= limitNanos) {
            return null;
        }
        return "reading " + object.describe() + " returned nothing for " + blocked / 1_000_000_000L
                + " s, after " + (ahead ? readAhead.readBytes() : input.readBytes()) + " bytes of it: its source"
                + " stopped answering";
    }

    private static ReadableByteChannel open(SourceObject object) throws RestoreFailure {
        try {
            return object.opener().open();
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot open " + object.describe() + ": " + why(e), e);
        }
    }

    /**
     * Why an object could not be opened: what is not a regular file says so itself, and so does a plain
     * IOException with a message (an object store's sentence: "cannot read s3://...: ..."); the JDK's own
     * failures need their class to be understood ({@code NoSuchFileException: PATH}).
     */
    static String why(IOException e) {
        boolean sentence = e instanceof NotRegularFileException
                || e.getClass() == IOException.class && e.getMessage() != null;
        return sentence ? e.getMessage() : e.toString();
    }

    private Decoder decoderFor(Codec codec) {
        return decoders.computeIfAbsent(codec, c -> switch (c) {
            case NONE -> new RawDecoder();
            case ZLIB -> DecoderImplementations.nativeZlib() ? new ZlibIsalDecoder() : new ZlibDecoder();
            case ZSTD -> new ZstdDecoder(zstdWindowLogMax);
            case BZIP2 -> DecoderImplementations.nativeBzip2() ? new Bzip2NativeDecoder() : new StreamDecoder(c);
            case GZIP -> new StreamDecoder(c);
        });
    }

    @Override
    public void close() {
        digest.close();
        decoders.values().forEach(Decoder::close);
        decoders.clear();
        inputPool.release(inputBuffer);
    }
}

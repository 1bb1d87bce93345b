package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.LayerWriter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A restore's decode side: its decode threads, each with a {@link DecodeWorker} and an output pool
 * of its own, and the pool of their input buffers. It decodes a layer's objects on every thread at
 * once and hands what they decode to the layer's {@link LayerWriter}; it never sees a target.
 *
 * <p>Its memory is the caller's working set, granted before it is made. {@link #stop} ends the
 * threads; {@link #close()} frees the buffers, only once every thread has ended (a thread stuck in a
 * source read may still fill one) and no write holds one. Layers are decoded one at a time, from one
 * thread (the restore's).
 */
public final class DecodeWorkers {
    private final DirectBufferPool inputs;
    private final List<DirectBufferPool> outputs = new ArrayList<>();
    private final List<DecodeWorker> workers = new ArrayList<>();
    /** Completed on the last decode thread to end, once {@link #stop} was called: no polling thread waits for it. */
    private final CompletableFuture<Void> threadsEnded = new CompletableFuture<>();
    private final ThreadPoolExecutor threads;
    /** Threads working on the current layer: interrupted on failure, cancel and stop. */
    private final Set<Thread> decoding = ConcurrentHashMap.newKeySet();

    /**
     * @param holder names the restore in thread and pool names
     * @throws InterruptedException if interrupted while taking the input buffers
     */
    public DecodeWorkers(String holder, int decoders, int buffersPerDecoder, int bufferBytes, int inputBufferBytes,
                         int zstdWindowLogMax) throws InterruptedException {
        inputs = new DirectBufferPool(holder + "/input", inputBufferBytes, decoders);
        threads = new ThreadPoolExecutor(decoders, decoders, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named("decode " + holder)) {
            @Override
            protected void terminated() {
                threadsEnded.complete(null);
            }
        };
        try {
            for (int i = 0; i < decoders; i++) {
                DirectBufferPool pool = new DirectBufferPool(holder + "/out" + i, bufferBytes, buffersPerDecoder);
                outputs.add(pool);
                workers.add(new DecodeWorker(inputs, pool, zstdWindowLogMax));
            }
        } catch (InterruptedException | RuntimeException e) {
            threads.shutdownNow();
            close();
            throw e;
        }
    }

    /**
     * Decodes {@code objects} on every thread into {@code writer}, telling it each object finished by
     * its index in {@code objects}, until they are all done, one fails, or {@code stopped} says so.
     * The future completes when every thread is done with the layer: with the first failure, after
     * which the writer refuses every buffer; normally otherwise (also when stopped).
     */
    public CompletableFuture<Void> decodeLayer(List<SourceObject> objects, LayerWriter writer, BooleanSupplier stopped) {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        AtomicInteger running = new AtomicInteger(workers.size());
        CompletableFuture<Void> ended = new CompletableFuture<>();
        for (DecodeWorker worker : workers) {
            threads.execute(() -> {
                decoding.add(Thread.currentThread());
                try {
                    int index;
                    while (firstFailure.get() == null && !stopped.getAsBoolean()
                            && (index = next.getAndIncrement()) < objects.size()) {
                        worker.decode(objects.get(index), writer);
                        writer.objectFinished(index);
                    }
                } catch (Exception e) {
                    if (firstFailure.compareAndSet(null, e)) {
                        writer.fail();
                        interrupt();
                    }
                } finally {
                    decoding.remove(Thread.currentThread());
                    // an interrupt meant for this layer must not reach the thread's next task
                    Thread.interrupted();
                    if (running.decrementAndGet() == 0) {
                        Exception failure = firstFailure.get();
                        if (failure == null) {
                            ended.complete(null);
                        } else {
                            ended.completeExceptionally(failure);
                        }
                    }
                }
            });
        }
        return ended;
    }

    /** Interrupts the threads working on the current layer: their reads and waits end. Any thread. */
    public void interrupt() {
        decoding.forEach(Thread::interrupt);
    }

    /** A sentence naming a read that has returned nothing for longer than {@code limitNanos}, or null. */
    public String stalledRead(long now, long limitNanos) {
        for (DecodeWorker worker : workers) {
            String stall = worker.stalledRead(now, limitNanos);
            if (stall != null) {
                return stall;
            }
        }
        return null;
    }

    /**
     * Stops the threads, waiting up to {@code grace} for them to end. The future completes when every
     * thread has ended: at once when they ended within the grace, else on the last one's way out,
     * whenever that is (a thread stuck in a read may still fill its buffers until then).
     */
    public CompletableFuture<Void> stop(Duration grace) {
        threads.shutdownNow();
        interrupt();
        try {
            threadsEnded.get(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // still stuck: freed when they end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("threadsEnded is never completed exceptionally", e);
        }
        return threadsEnded;
    }

    /**
     * Frees the decoders and every buffer; call once the threads have ended ({@link #stop}) and no
     * write holds an output buffer.
     *
     * @throws IllegalStateException if a buffer is still on loan: a bug, reported after freeing the rest
     */
    public void close() {
        workers.forEach(DecodeWorker::close);
        outputs.forEach(DirectBufferPool::close);
        inputs.close();
    }
}

package io.multistudio.engine.memory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the shared state in this process: the embedded default for a single node, needing no other service. An
 * expiry thread takes the entries whose deadline passed out, every {@link MemoryMap#EXPIRY_TICK}, and reports them;
 * {@link #close()} stops it.
 */
public final class MemoryEngine implements Engine, AutoCloseable {

    private final Map<String, MemoryMap<?>> maps = new ConcurrentHashMap<>();
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "multistudio-memory-expiry");
        // Must not keep the JVM alive if nobody closes the engine.
        thread.setDaemon(true);
        return thread;
    });

    public MemoryEngine() {
        long tick = MemoryMap.EXPIRY_TICK.toMillis();
        expiry.scheduleWithFixedDelay(this::expire, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Every map finds its expired entries by their deadlines, within a tick, whether they are listened to or not. */
    @Override
    @SuppressWarnings("unchecked")
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan, Expiry expiry) {
        return (SharedMap<V>) maps.computeIfAbsent(name, ignored -> new MemoryMap<>(lifespan));
    }

    @Override
    public Uni<Boolean> available() {
        return Uni.createFrom().item(true);
    }

    @Override
    public String name() {
        return "memory";
    }

    /** Stops the expiry thread, waiting briefly for a run in progress so that no listener runs after this returns. */
    @Override
    public void close() {
        expiry.shutdownNow();
        try {
            expiry.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void expire() {
        maps.values().forEach(MemoryMap::expire);
    }
}

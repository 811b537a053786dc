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
 * Keeps the shared state in this process: the embedded default for a single node, needing no other service. A
 * sweeper thread takes expired entries out and reports them; {@link #close()} stops it.
 */
public final class MemoryEngine implements Engine, AutoCloseable {

    /** Expiry listeners hear of an expiry at most this late, like with Infinispan's one-second reaper. */
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(250);

    private final Map<String, MemoryMap<?>> maps = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "multistudio-memory-expiry");
        // Must not keep the JVM alive if nobody closes the engine.
        thread.setDaemon(true);
        return thread;
    });

    public MemoryEngine() {
        long interval = SWEEP_INTERVAL.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
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

    /** Stops the sweeper, waiting briefly for a sweep in progress so that no listener runs after this returns. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sweep() {
        maps.values().forEach(MemoryMap::sweep);
    }
}

package io.multistudio.engine.memory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;

/**
 * Keeps the shared state in this process: the embedded default for a single node, needing no other service.
 */
public final class MemoryEngine implements Engine {

    private final Map<String, MemoryMap<?>> maps = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
        return (SharedMap<V>) maps.computeIfAbsent(name, ignored -> new MemoryMap<>(lifespan));
    }

    @Override
    public String name() {
        return "memory";
    }
}

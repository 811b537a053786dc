package io.multistudio.engine.memory;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.smallrye.mutiny.Uni;

/**
 * A {@link SharedMap} over a {@link ConcurrentHashMap}; {@code compute} gives the atomic read-modify-write that the
 * Infinispan engine gets from versioned replaces. Expired entries are treated as absent from the moment they expire.
 */
final class MemoryMap<V> implements SharedMap<V> {

    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Function<V, Duration> lifespan;

    MemoryMap(Function<V, Duration> lifespan) {
        this.lifespan = lifespan;
    }

    @Override
    public Uni<V> get(String key) {
        return Uni.createFrom().item(() -> live(entries.get(key)));
    }

    @Override
    public Uni<Void> put(String key, V value) {
        return Uni.createFrom().item(() -> entries.put(key, entry(value))).replaceWithVoid();
    }

    @Override
    public Uni<Boolean> putIfAbsent(String key, V value) {
        return Uni.createFrom().item(() -> {
            Entry<V> created = entry(value);
            return entries.compute(key, (k, current) -> live(current) == null ? created : current) == created;
        });
    }

    @Override
    public Uni<Change<V>> update(String key, UnaryOperator<V> change) {
        return Uni.createFrom().item(() -> {
            Object[] before = new Object[1];
            Entry<V> after = entries.compute(key, (k, current) -> {
                V value = live(current);
                before[0] = value;
                V changed = change.apply(value);
                if (changed == value) {
                    return value == null ? null : current;
                }
                return changed == null ? null : entry(changed);
            });
            @SuppressWarnings("unchecked")
            V previous = (V) before[0];
            return new Change<>(previous, live(after));
        });
    }

    @Override
    public Uni<Void> remove(String key) {
        return Uni.createFrom().item(() -> entries.remove(key)).replaceWithVoid();
    }

    private Entry<V> entry(V value) {
        Duration life = lifespan.apply(value);
        long expiresAt = life.equals(Engine.IMMORTAL) ? Long.MAX_VALUE : System.currentTimeMillis() + life.toMillis();
        return new Entry<>(value, expiresAt);
    }

    private static <V> V live(Entry<V> entry) {
        return entry == null || entry.expiresAt() <= System.currentTimeMillis() ? null : entry.value();
    }

    private record Entry<V>(V value, long expiresAt) {
    }
}

package io.multistudio.engine.memory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.jboss.logging.Logger;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.smallrye.mutiny.Uni;

/**
 * A {@link SharedMap} over a {@link ConcurrentHashMap}; {@code compute} gives the atomic read-modify-write that the
 * Infinispan engine gets from versioned replaces. Expired entries are treated as absent from the moment they expire;
 * whoever takes an expired entry out of the map ({@link #expire()}, which the {@link MemoryEngine} runs every tick, or
 * a write that lands on it first) reports it, so each expiry is reported exactly once.
 */
final class MemoryMap<V> implements SharedMap<V> {

    private static final Logger LOG = Logger.getLogger(MemoryMap.class);
    /** Expiry listeners hear of an expiry at most this late, like with Infinispan's one-second reaper. */
    static final Duration EXPIRY_TICK = Duration.ofMillis(250);

    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final List<Consumer<V>> expiryListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<V>> writeListeners = new CopyOnWriteArrayList<>();
    private final Function<V, Duration> lifespan;
    private final Deadlines deadlines = new Deadlines(EXPIRY_TICK.toMillis());

    MemoryMap(Function<V, Duration> lifespan) {
        this.lifespan = lifespan;
    }

    @Override
    public Uni<V> get(String key) {
        return Uni.createFrom().item(() -> live(entries.get(key), now()));
    }

    @Override
    public Uni<Map<String, V>> getAll(Set<String> keys) {
        return Uni.createFrom().item(() -> {
            long now = now();
            Map<String, V> found = new HashMap<>();
            for (String key : keys) {
                V value = live(entries.get(key), now);
                if (value != null) {
                    found.put(key, value);
                }
            }
            return found;
        });
    }

    @Override
    public Uni<List<V>> values() {
        return Uni.createFrom().item(() -> {
            long now = now();
            return entries.values().stream().map(entry -> live(entry, now)).filter(Objects::nonNull).toList();
        });
    }

    /** Entries that expired are taken out every {@link #EXPIRY_TICK}; until then they are counted. */
    @Override
    public Uni<Long> size() {
        return Uni.createFrom().item(() -> (long) entries.size());
    }

    @Override
    public void onExpired(Consumer<V> listener) {
        expiryListeners.add(listener);
    }

    @Override
    public void onWritten(Consumer<V> listener) {
        writeListeners.add(listener);
    }

    @Override
    public Uni<Void> put(String key, V value) {
        return Uni.createFrom().item(() -> {
            compute(key, current -> entry(value));
            report(writeListeners, value);
            return null;
        });
    }

    @Override
    public Uni<Boolean> putIfAbsent(String key, V value) {
        return Uni.createFrom().item(() -> {
            Entry<V> created = entry(value);
            boolean written = compute(key, current -> current == null ? created : current) == created;
            if (written) {
                report(writeListeners, value);
            }
            return written;
        });
    }

    @Override
    public Uni<V> claim(String key, V value) {
        return Uni.createFrom().item(() -> {
            Entry<V> created = entry(value);
            Entry<V> holder = compute(key, current -> current == null ? created : current);
            if (holder == created) {
                report(writeListeners, value);
                return null;
            }
            return holder.value();
        });
    }

    @Override
    public Uni<Change<V>> update(String key, UnaryOperator<V> change) {
        return Uni.createFrom().item(() -> {
            AtomicReference<V> before = new AtomicReference<>();
            Entry<V> after = compute(key, current -> {
                V value = current == null ? null : current.value();
                before.set(value);
                V changed = change.apply(value);
                if (changed == value) {
                    return current;
                }
                return changed == null ? null : entry(changed);
            });
            Change<V> result = new Change<>(before.get(), after == null ? null : after.value());
            if (result.changed() && result.after() != null) {
                report(writeListeners, result.after());
            }
            return result;
        });
    }

    @Override
    public Uni<Void> remove(String key) {
        return Uni.createFrom().item(() -> compute(key, current -> null)).replaceWithVoid();
    }

    /** Removes and reports the entries whose deadline has passed; only those are looked at. */
    void expire() {
        long now = now();
        for (String key : deadlines.due(now)) {
            AtomicReference<Entry<V>> expired = new AtomicReference<>();
            entries.computeIfPresent(key, (k, entry) -> {
                if (!entry.expiredAt(now)) {
                    return entry;
                }
                expired.set(entry);
                return null;
            });
            if (expired.get() != null) {
                report(expiryListeners, expired.get().value());
            }
        }
    }

    /**
     * {@link ConcurrentHashMap#compute} as if expired entries were already gone: {@code remapping} sees {@code null}
     * for them. Whatever it returns displaces the expired entry, which {@link #expire()} then no longer finds, so it
     * is reported here. The deadlines follow every change, under the same lock as the entry.
     */
    private Entry<V> compute(String key, UnaryOperator<Entry<V>> remapping) {
        long now = now();
        AtomicReference<Entry<V>> displaced = new AtomicReference<>();
        Entry<V> result = entries.compute(key, (k, current) -> {
            boolean expired = current != null && current.expiredAt(now);
            if (expired) {
                displaced.set(current);
            }
            Entry<V> next = remapping.apply(expired ? null : current);
            if (next != current) {
                deadlines.move(key, current == null ? Deadlines.NEVER : current.expiresAt(),
                        next == null ? Deadlines.NEVER : next.expiresAt());
            }
            return next;
        });
        if (displaced.get() != null) {
            report(expiryListeners, displaced.get().value());
        }
        return result;
    }

    private static <V> void report(List<Consumer<V>> listeners, V value) {
        for (Consumer<V> listener : listeners) {
            try {
                listener.accept(value);
            } catch (RuntimeException e) {
                // One failing listener must neither hide the event from the others nor stop the expiry.
                // Only the type: values hold user data and token hashes, which stay out of logs.
                LOG.errorf(e, "Listener failed on a %s", value.getClass().getSimpleName());
            }
        }
    }

    private Entry<V> entry(V value) {
        Duration life = lifespan.apply(value);
        long expiresAt = life.equals(Engine.IMMORTAL) ? Deadlines.NEVER : now() + life.toMillis();
        return new Entry<>(value, expiresAt);
    }

    private static <V> V live(Entry<V> entry, long now) {
        return entry == null || entry.expiredAt(now) ? null : entry.value();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private record Entry<V>(V value, long expiresAt) {

        boolean expiredAt(long now) {
            return expiresAt <= now;
        }
    }
}

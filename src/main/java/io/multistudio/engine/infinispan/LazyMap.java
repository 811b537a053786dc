package io.multistudio.engine.infinispan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.smallrye.mutiny.Uni;

/**
 * A shared map whose cache may not exist yet: the node starts before its store answers (both started together, or the
 * store is down), and the engine creates the cache when the store does answer. Until then every operation fails as
 * the store being unavailable ({@code UNAV}), and listeners are kept, to be registered with the cache once it exists.
 */
final class LazyMap<V> implements SharedMap<V> {

    private final String name;
    private final Engine.Expiry expiry;
    /** Creates the cache and the map over it; blocking. */
    private final Supplier<InfinispanMap<V>> create;
    private final List<Consumer<V>> expiryListeners = new ArrayList<>();
    private final List<Consumer<V>> writeListeners = new ArrayList<>();
    /** Set once, when the cache exists and every listener given so far is registered with it. */
    private volatile InfinispanMap<V> map;

    LazyMap(String name, Engine.Expiry expiry, Supplier<InfinispanMap<V>> create) {
        this.name = name;
        this.expiry = expiry;
        this.create = create;
    }

    String name() {
        return name;
    }

    boolean ready() {
        return map != null;
    }

    /** The ready map, for what the engine does to every map (pings, listening again); {@code null} before. */
    InfinispanMap<V> map() {
        return map;
    }

    /**
     * Creates the cache and registers the listeners given so far; blocking. Called by one thread at a time, the
     * engine's, and a no-op once done; a failure (the store is not there, or still starting) is the caller's to retry.
     */
    void create() {
        if (map != null) {
            return;
        }
        InfinispanMap<V> created = create.get();
        synchronized (this) {
            expiryListeners.forEach(created::onExpired);
            writeListeners.forEach(created::onWritten);
            map = created;
        }
    }

    /** Only a map made with {@link Engine.Expiry#LISTENED} has its expiries found within about a second. */
    @Override
    public void onExpired(Consumer<V> listener) {
        if (expiry != Engine.Expiry.LISTENED) {
            throw new IllegalStateException("The expiries of " + name + " are not listened to");
        }
        listen(expiryListeners, listener, InfinispanMap::onExpired);
    }

    @Override
    public void onWritten(Consumer<V> listener) {
        listen(writeListeners, listener, InfinispanMap::onWritten);
    }

    /** Registers {@code listener} with the cache if it exists, or keeps it in {@code pending} until it does. */
    private synchronized void listen(List<Consumer<V>> pending, Consumer<V> listener,
            BiConsumer<InfinispanMap<V>, Consumer<V>> register) {
        if (map == null) {
            pending.add(listener);
        } else {
            register.accept(map, listener);
        }
    }

    @Override
    public Uni<V> get(String key) {
        return with(ready -> ready.get(key));
    }

    @Override
    public Uni<Map<String, V>> getAll(Set<String> keys) {
        return with(ready -> ready.getAll(keys));
    }

    @Override
    public Uni<List<V>> values() {
        return with(InfinispanMap::values);
    }

    @Override
    public Uni<Long> size() {
        return with(InfinispanMap::size);
    }

    @Override
    public Uni<Void> put(String key, V value) {
        return with(ready -> ready.put(key, value));
    }

    @Override
    public Uni<Boolean> putIfAbsent(String key, V value) {
        return with(ready -> ready.putIfAbsent(key, value));
    }

    @Override
    public Uni<V> claim(String key, V value) {
        return with(ready -> ready.claim(key, value));
    }

    @Override
    public Uni<Change<V>> update(String key, UnaryOperator<V> change) {
        return with(ready -> ready.update(key, change));
    }

    @Override
    public Uni<Void> remove(String key) {
        return with(ready -> ready.remove(key));
    }

    /** Decided at subscription, so that a retried operation finds the cache once it exists. */
    private <T> Uni<T> with(Function<InfinispanMap<V>, Uni<T>> operation) {
        return Uni.createFrom().deferred(() -> {
            InfinispanMap<V> ready = map;
            return ready == null ? Uni.createFrom().failure(
                    new StoreUnavailableException("Cache " + name + " is not created yet", null))
                    : operation.apply(ready);
        });
    }
}

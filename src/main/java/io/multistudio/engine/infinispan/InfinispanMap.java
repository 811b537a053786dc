package io.multistudio.engine.infinispan;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.RemoteCache;
import org.reactivestreams.FlowAdapters;

import io.multistudio.engine.Engine;
import io.multistudio.engine.Retries;
import io.multistudio.engine.SharedMap;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A {@link SharedMap} over a remote cache. Atomic updates are optimistic: read the entry with its version, compute,
 * and write only if the version is unchanged; a lost race reads again. This node's concurrent updates of one key
 * are computed together and written at once.
 */
final class InfinispanMap<V> implements SharedMap<V> {

    /**
     * Attempts of one update before the caller gets a store failure: with the pauses between them (see
     * {@link Retries}) they span about three seconds. Only other nodes' writes of the key make a write lose, as this
     * node's own updates of one key are written one group at a time ({@link KeyedUpdates}).
     */
    static final int UPDATE_ATTEMPTS = 64;

    /** A scan reads the whole map in batches, so it may take this many times longer than one operation. */
    private static final int SCAN_TIMEOUT_FACTOR = 5;

    /** Entries fetched per round trip when reading the whole map. */
    private static final int BATCH_SIZE = 256;

    private final RemoteCache<String, String> cache;
    private final RemoteCache<String, String> returningCache;
    private final JsonValues<V> json;
    private final Function<V, Duration> lifespan;
    /** Registered with the server on the first {@link #onExpired}; guarded by {@code this}. */
    private ValueListeners<V> expiryListeners;
    /** Registered with the server on the first {@link #onWritten}; guarded by {@code this}. */
    private ValueListeners<V> writeListeners;
    /** This node's writes not heard back yet, once its writes are listened to ({@link #onWritten}). */
    private final OwnWrites<V> ownWrites = new OwnWrites<>();

    private final RemoteCalls calls;
    /** Counts the updates that lost their race. */
    private final Runnable lostUpdate;
    private final KeyedUpdates<V> updates = new KeyedUpdates<>(this::write);

    InfinispanMap(RemoteCache<String, String> cache, JsonValues<V> json, Function<V, Duration> lifespan,
            CallDeadlines deadlines, Runnable recreate, Runnable lostUpdate) {
        this.lostUpdate = lostUpdate;
        this.calls = new RemoteCalls(cache, deadlines, recreate);
        this.cache = cache;
        this.returningCache = cache.withFlags(Flag.FORCE_RETURN_VALUE);
        this.json = json;
        this.lifespan = lifespan;
    }

    @Override
    public Uni<V> get(String key) {
        return uni(() -> cache.getAsync(key)).map(json::read);
    }

    @Override
    public Uni<Map<String, V>> getAll(Set<String> keys) {
        return uni(() -> cache.getAllAsync(keys)).map(found -> {
            Map<String, V> values = new HashMap<>();
            found.forEach((key, text) -> values.put(key, json.read(text)));
            return values;
        });
    }

    /** Iterates the cache with the client's asynchronous publisher, so no thread waits for the batches. */
    @Override
    public Uni<List<V>> values() {
        return calls.scan(Multi.createFrom()
                .deferred(() -> Multi.createFrom().publisher(FlowAdapters.toFlowPublisher(
                        cache.<String>publishEntries(null, null, null, BATCH_SIZE))))
                .map(entry -> json.read(entry.getValue()))
                .collect().asList(), SCAN_TIMEOUT_FACTOR);
    }

    /** The server counts the entries (Hot Rod's size operation): no value crosses the network. */
    @Override
    public Uni<Long> size() {
        return uni(cache::sizeAsync);
    }

    /**
     * The first call registers a listener with the server and waits for it, so that expiries are reported from the
     * moment it returns: call it at start-up, not on the event loop.
     */
    @Override
    public synchronized void onExpired(Consumer<V> listener) {
        if (expiryListeners == null) {
            expiryListeners = new ValueListeners<>(json, null);
            calls.listen(new ExpiryListener<>(expiryListeners));
        }
        expiryListeners.add(listener);
    }

    /** Like {@link #onExpired}, the first call registers with the server and waits: call it at start-up. */
    @Override
    public synchronized void onWritten(Consumer<V> listener) {
        if (writeListeners == null) {
            ownWrites.listened();
            writeListeners = new ValueListeners<>(json, ownWrites);
            calls.listen(new WriteListener<>(writeListeners));
        }
        writeListeners.add(listener);
    }

    @Override
    public Uni<Void> put(String key, V value) {
        return uni(() -> cache.putAsync(key, written(key, value), lifespanMillis(value), TimeUnit.MILLISECONDS))
                .replaceWithVoid();
    }

    @Override
    public Uni<Boolean> putIfAbsent(String key, V value) {
        return uni(() -> returningCache.putIfAbsentAsync(key, written(key, value), lifespanMillis(value),
                TimeUnit.MILLISECONDS))
                .map(previous -> ownWrites.applied(key, value, previous == null));
    }

    @Override
    public Uni<V> claim(String key, V value) {
        return uni(() -> returningCache.putIfAbsentAsync(key, written(key, value), lifespanMillis(value),
                TimeUnit.MILLISECONDS))
                .map(holder -> ownWrites.applied(key, value, holder == null) ? null : json.read(holder));
    }

    /** This node's concurrent updates of a key go to the store together (see {@link KeyedUpdates}). */
    @Override
    public Uni<Change<V>> update(String key, UnaryOperator<V> change) {
        return updates.update(key, change);
    }

    @Override
    public Uni<Void> remove(String key) {
        return uni(() -> cache.removeAsync(key)).replaceWithVoid();
    }

    /** Reads {@code key} with its version, applies {@code group}, writes the result if it changed; a lost race reads again. */
    private Uni<Void> write(String key, KeyedUpdates.Group<V> group) {
        return Retries.whileLosing(uni(() -> cache.getWithMetadataAsync(key))
                .flatMap(entry -> attempt(key, entry, group)), LostRace.class, UPDATE_ATTEMPTS,
                "An update of " + cache.getName(), lostUpdate);
    }

    private Uni<Void> attempt(String key, MetadataValue<String> entry, KeyedUpdates.Group<V> group) {
        V current = entry == null ? null : json.read(entry.getValue());
        V next = group.apply(current);
        if (next == current) {
            return Uni.createFrom().voidItem();
        }
        Uni<Boolean> written;
        if (current == null) {
            written = putIfAbsent(key, next);
        } else if (next == null) {
            written = uni(() -> cache.removeWithVersionAsync(key, entry.getVersion()));
        } else {
            written = uni(() -> cache.replaceWithVersionAsync(key, written(key, next), entry.getVersion(),
                    lifespanMillis(next), TimeUnit.MILLISECONDS, -1, TimeUnit.MILLISECONDS));
        }
        return written.map(done -> {
            if (!ownWrites.applied(key, next, done)) {
                throw new LostRace();
            }
            return null;
        });
    }

    /** The JSON of {@code value}, about to be written under {@code key}. */
    private String written(String key, V value) {
        return ownWrites.writing(key, value, json.write(value));
    }

    private long lifespanMillis(V value) {
        Duration life = lifespan.apply(value);
        return life.equals(Engine.IMMORTAL) ? -1 : life.toMillis();
    }

    /** Registers this map's listeners with the store again; blocking. */
    void listenAgain() {
        calls.listenAgain();
    }

    /** Whether the store answers a read of a key that is never written. */
    Uni<Boolean> ping(String probeKey) {
        return uni(() -> cache.getAsync(probeKey)).map(ignored -> true).onFailure().recoverWithItem(false);
    }

    private <T> Uni<T> uni(Supplier<CompletionStage<T>> operation) {
        return calls.call(operation);
    }

    /** Another writer changed the entry between our read and our write. */
    private static final class LostRace extends RuntimeException {
        LostRace() {
            super(null, null, false, false);
        }
    }
}

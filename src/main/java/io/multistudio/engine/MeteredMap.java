package io.multistudio.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/** Times each operation of a {@link SharedMap}, success or failure alike. */
final class MeteredMap<V> implements SharedMap<V> {

    private final SharedMap<V> map;
    private final Timer get;
    private final Timer getAll;
    private final Timer values;
    private final Timer size;
    private final Timer put;
    private final Timer putIfAbsent;
    private final Timer claim;
    private final Timer update;
    private final Timer remove;

    MeteredMap(SharedMap<V> map, Function<String, Timer> timers) {
        this.map = map;
        this.get = timers.apply("get");
        this.getAll = timers.apply("get_all");
        this.values = timers.apply("values");
        this.size = timers.apply("size");
        this.put = timers.apply("put");
        this.putIfAbsent = timers.apply("put_if_absent");
        this.claim = timers.apply("claim");
        this.update = timers.apply("update");
        this.remove = timers.apply("remove");
    }

    @Override
    public Uni<V> get(String key) {
        return timed(get, () -> map.get(key));
    }

    @Override
    public Uni<Map<String, V>> getAll(Set<String> keys) {
        return timed(getAll, () -> map.getAll(keys));
    }

    @Override
    public Uni<List<V>> values() {
        return timed(values, map::values);
    }

    @Override
    public Uni<Long> size() {
        return timed(size, map::size);
    }

    @Override
    public void onExpired(Consumer<V> listener) {
        map.onExpired(listener);
    }

    @Override
    public void onWritten(Consumer<V> listener) {
        map.onWritten(listener);
    }

    @Override
    public Uni<Void> put(String key, V value) {
        return timed(put, () -> map.put(key, value));
    }

    @Override
    public Uni<Boolean> putIfAbsent(String key, V value) {
        return timed(putIfAbsent, () -> map.putIfAbsent(key, value));
    }

    @Override
    public Uni<V> claim(String key, V value) {
        return timed(claim, () -> map.claim(key, value));
    }

    @Override
    public Uni<Change<V>> update(String key, UnaryOperator<V> change) {
        return timed(update, () -> map.update(key, change));
    }

    @Override
    public Uni<Void> remove(String key) {
        return timed(remove, () -> map.remove(key));
    }

    private static <T> Uni<T> timed(Timer timer, Supplier<Uni<T>> operation) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return operation.get().onTermination()
                    .invoke(() -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        });
    }
}

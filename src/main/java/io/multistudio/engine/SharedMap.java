package io.multistudio.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.smallrye.mutiny.Uni;

/**
 * A map whose entries are visible to every node using the same engine. Values are immutable; each write applies the
 * map's lifespan policy to the value written, so an entry expires (or not) according to what it holds.
 *
 * @param <V> the value type, an immutable record
 */
public interface SharedMap<V> {

    /** The value under {@code key}, or {@code null}. */
    Uni<V> get(String key);

    /** The values present under {@code keys}; absent keys are missing from the result. */
    Uni<Map<String, V>> getAll(Set<String> keys);

    /** Every value in the map. Meant for small maps or rare requests: it reads the whole map. */
    Uni<List<V>> values();

    /**
     * How many entries the map holds, counted by the store without shipping any value, so that a census need not read
     * a large map whole. An entry that has just expired may be counted until the store takes it out (within a second).
     */
    Uni<Long> size();

    /**
     * Calls {@code listener} with the value of each entry that expires from now on. On a cluster every node is told
     * about every expiry, so a listener that acts on it must make its action happen once (an {@link #update} that
     * only one node can win).
     */
    void onExpired(Consumer<V> listener);

    /**
     * Calls {@code listener} with each value written from now on (created or replaced), by this node or any other.
     * A node hears of its own writes too, so the listener must tolerate values it already knows.
     */
    void onWritten(Consumer<V> listener);

    /** Writes {@code value} under {@code key}, replacing any previous value. */
    Uni<Void> put(String key, V value);

    /** Writes {@code value} only if {@code key} is free; {@code true} if it was written. */
    Uni<Boolean> putIfAbsent(String key, V value);

    /**
     * Writes {@code value} only if {@code key} is free, in one store call; {@code null} if it was written, else the
     * value that holds the key. A write the store applied but reported failed finds the value itself there.
     */
    Uni<V> claim(String key, V value);

    /**
     * Atomically replaces the value under {@code key} with {@code change.apply(current)}: {@code current} is {@code null}
     * when the key is absent, a {@code null} result removes the entry, and returning {@code current} itself writes
     * nothing. {@code change} may run more than once under contention, so it must have no side effects.
     */
    Uni<Change<V>> update(String key, UnaryOperator<V> change);

    /** Removes {@code key} if present. */
    Uni<Void> remove(String key);

    /**
     * The outcome of an {@link #update}: the value before and after it (either may be {@code null}).
     */
    record Change<V>(V before, V after) {

        public boolean changed() {
            return before != after;
        }
    }
}

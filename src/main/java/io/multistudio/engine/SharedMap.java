package io.multistudio.engine;

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

    /** Writes {@code value} under {@code key}, replacing any previous value. */
    Uni<Void> put(String key, V value);

    /** Writes {@code value} only if {@code key} is free; {@code true} if it was written. */
    Uni<Boolean> putIfAbsent(String key, V value);

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

package io.multistudio.engine.infinispan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import io.multistudio.engine.SharedMap.Change;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * This node's updates of one key, one store write at a time: the updates asked for while a write of the key is on
 * its way wait, and then go together, applied one after the other to the value read once, in one versioned write.
 * Without this, a hundred members joining one room at once each read the room record, and all but one lost the
 * versioned write and read again, so the joins took a round trip each in turn, plus pauses (issue 18's hot room:
 * 28 joins/s). Only other nodes' writes can still make a write lose its race, and then the whole group is tried
 * again. Each update sees the value the ones before it in its group left, so it behaves as if applied alone: a room
 * that one join fills refuses the next one of the same group.
 *
 * @param <V> the map's value type
 */
final class KeyedUpdates<V> {

    /**
     * Writes {@code key}: reads it, applies the group in order (see {@link Group#apply}), writes the result if it
     * changed; fails only when the store does or the races stay lost, and then the whole group fails.
     */
    private final BiFunction<String, Group<V>, Uni<Void>> write;
    /** The keys with a write on its way, and the updates waiting for it; guarded by itself. */
    private final Map<String, List<Pending<V>>> waiting = new HashMap<>();

    KeyedUpdates(BiFunction<String, Group<V>, Uni<Void>> write) {
        this.write = write;
    }

    Uni<Change<V>> update(String key, UnaryOperator<V> change) {
        return Uni.createFrom().emitter(emitter -> {
            boolean first;
            synchronized (waiting) {
                List<Pending<V>> queue = waiting.get(key);
                first = queue == null;
                if (first) {
                    waiting.put(key, new ArrayList<>());
                } else {
                    queue.add(new Pending<>(change, emitter));
                }
            }
            if (first) {
                run(key, new Group<>(List.of(new Pending<>(change, emitter))));
            }
        });
    }

    /** Deferred, so that even a write that throws before it starts ends in {@link #finished} and frees the key. */
    private void run(String key, Group<V> group) {
        Uni.createFrom().deferred(() -> write.apply(key, group)).subscribe().with(
                done -> finished(key, group, null),
                failure -> finished(key, group, failure));
    }

    /** Answers the group's updates, then starts the group that waited meanwhile, if any. */
    private void finished(String key, Group<V> group, Throwable failure) {
        try {
            group.answer(failure);
        } finally {
            next(key);
        }
    }

    private void next(String key) {
        List<Pending<V>> next;
        synchronized (waiting) {
            next = waiting.get(key);
            if (next.isEmpty()) {
                waiting.remove(key);
                return;
            }
            waiting.put(key, new ArrayList<>());
        }
        run(key, new Group<>(next));
    }

    /** Updates written together; {@link #apply} may run more than once, if the write loses its race. */
    static final class Group<V> {

        private final List<Pending<V>> updates;

        Group(List<Pending<V>> updates) {
            this.updates = updates;
        }

        /**
         * Applies each update to what the one before it left, starting from {@code current}: one that throws is
         * refused (it will fail with its exception) and changes nothing. Returns the value to write.
         */
        V apply(V current) {
            V value = current;
            for (Pending<V> pending : updates) {
                try {
                    V next = pending.change.apply(value);
                    pending.outcome = new Change<>(value, next);
                    pending.refused = null;
                    value = next;
                } catch (RuntimeException refused) {
                    pending.outcome = null;
                    pending.refused = refused;
                }
            }
            return value;
        }

        private void answer(Throwable failure) {
            for (Pending<V> pending : updates) {
                if (failure != null) {
                    pending.emitter.fail(failure);
                } else if (pending.refused != null) {
                    pending.emitter.fail(pending.refused);
                } else {
                    pending.emitter.complete(pending.outcome);
                }
            }
        }
    }

    private static final class Pending<V> {

        private final UnaryOperator<V> change;
        private final UniEmitter<? super Change<V>> emitter;
        /** Set by the group's last {@link Group#apply}. */
        private Change<V> outcome;
        private RuntimeException refused;

        Pending(UnaryOperator<V> change, UniEmitter<? super Change<V>> emitter) {
            this.change = change;
            this.emitter = emitter;
        }
    }
}

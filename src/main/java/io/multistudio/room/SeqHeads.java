package io.multistudio.room;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;

import io.multistudio.engine.Concurrently;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.SharedMap.Change;
import io.smallrye.mutiny.Uni;

/**
 * The latest seq of each room as this node knows it, so that an event can take its seq in one store call: the next
 * one after everything this node has seen committed or handed out itself. A node hears every room event committed on
 * the cluster, so what it knows is at most a few in-flight events behind; an event that guessed a taken seq learns
 * the event there and tries the next one. For a room it has not followed since it started, a node starts from the
 * head the nodes store now and then ({@link #store}), which never lags behind what the history was trimmed to.
 * <p>
 * A singleton, not a lazily created application-scoped bean: the history listener calls it from the store client's
 * threads, which must never be the ones to create it (creating its map blocks on the store).
 */
@Singleton
public class SeqHeads {

    /** Rooms followed at most; past it the quietest are forgotten, and found again from the stored head. */
    static final int MAX_FOLLOWED = 100_000;
    private static final int STORE_CONCURRENCY = 8;

    private final SharedMap<RoomHead> stored;
    private final Map<String, Long> latest = new ConcurrentHashMap<>();
    /** Rooms whose head moved since it was last stored, with the seq it moved to. */
    private final Map<String, Long> moved = new ConcurrentHashMap<>();

    SeqHeads(Engine engine) {
        this.stored = engine.map("heads", RoomHead.class, head -> Engine.IMMORTAL, Engine.Expiry.SILENT);
    }

    /** Whether this node follows {@code instance}, so that {@link #next} needs no store call. */
    boolean follows(String instance) {
        return latest.containsKey(instance);
    }

    /** {@code seq} of {@code instance} is taken. */
    void saw(String instance, long seq) {
        if (latest.size() >= MAX_FOLLOWED && !latest.containsKey(instance)) {
            latest.clear();
        }
        latest.merge(instance, seq, Math::max);
    }

    /** The latest seq of {@code instance} this node knows, at least {@code floor}. */
    long known(String instance, long floor) {
        return Math.max(floor, latest.getOrDefault(instance, 0L));
    }

    /**
     * Hands out the next seq of {@code instance} after everything known, at least {@code floor} + 1; concurrent
     * callers get different seqs, so the events of one node do not race each other for one.
     */
    long next(String instance, long floor) {
        long seq = latest.merge(instance, floor + 1, (known, candidate) -> Math.max(known + 1, candidate));
        moved.merge(instance, seq, Math::max);
        return seq;
    }

    /** The stored head of {@code instance}, 0 if none was stored. */
    Uni<Long> stored(String instance) {
        return stored.get(instance).map(head -> head == null ? 0L : head.seq());
    }

    /**
     * Stores the heads that moved since the last call, each only upwards; yields how far each stored head advanced,
     * which is how far the history may be trimmed.
     */
    Uni<List<Advance>> store() {
        Map<String, Long> batch = new HashMap<>(moved);
        if (batch.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        batch.forEach(moved::remove);
        List<Advance> advanced = new CopyOnWriteArrayList<>();
        return Concurrently.each(batch.entrySet(), STORE_CONCURRENCY,
                head -> store(head.getKey(), head.getValue(), advanced)).map(ignored -> List.copyOf(advanced));
    }

    /** Stores {@code seq} as the head of {@code instance} unless it is higher already; notes it in {@code advanced}. */
    private Uni<Change<RoomHead>> store(String instance, long seq, List<Advance> advanced) {
        return stored.update(instance, current -> current != null && current.seq() >= seq ? current
                : new RoomHead(instance, seq))
                .invoke(change -> {
                    if (change.changed()) {
                        advanced.add(new Advance(instance, change.before() == null ? 0 : change.before().seq(),
                                change.after().seq()));
                    }
                })
                // Stored again on the next call.
                .onFailure().invoke(() -> moved.merge(instance, seq, Math::max))
                .onFailure().recoverWithNull();
    }

    /** The stored head of {@code instance} went from {@code from} to {@code to}. */
    record Advance(String instance, long from, long to) {
    }

    /** Every stored head, for the repair of those whose room incarnation is gone. */
    Uni<List<RoomHead>> allStored() {
        return stored.values();
    }

    /** The room incarnation is gone: its head is no longer needed. */
    Uni<Void> forget(String instance) {
        latest.remove(instance);
        moved.remove(instance);
        return stored.remove(instance);
    }
}

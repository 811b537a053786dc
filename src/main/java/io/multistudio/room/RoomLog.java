package io.multistudio.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Concurrently;
import io.multistudio.engine.Engine;
import io.multistudio.engine.Retries;
import io.multistudio.engine.SharedMap;
import io.multistudio.observability.ServerMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The rooms' history: every committed event under its room incarnation and seq, for replay, trimmed to the configured
 * number of events per room. Writing an event here is what commits it and gives it its seq: it is written at the
 * next seq this node believes free ({@link SeqHeads}), only if that seq is still free, in one store call; the first
 * writer of a seq wins and the others try the next one. An event is written here before it is published for
 * delivery, so that whatever a member received can also be replayed.
 */
@Startup
@Singleton
public class RoomLog {

    private static final Logger LOG = Logger.getLogger(RoomLog.class);

    /** Tries of one event for a free seq; each lost try learns a taken one, so only a very hot room needs several. */
    static final int SEQ_ATTEMPTS = 24;
    /** Seqs read at once when looking for the latest seq of a room this node does not follow. */
    static final int PROBE = 256;
    /** Seqs read at once after a lost seq, when this node is behind a room it follows. */
    static final int CATCH_UP = 16;
    private static final int TRIM_CONCURRENCY = 32;

    private final SharedMap<RoomEvent> history;
    private final RoomEvents events;
    private final MultiStudioConfig config;
    private final SeqHeads heads;
    private final HistoryReader reader;
    private final HistorySizes sizes;
    private final RoomViews views;
    private final Runnable lostSeq;

    RoomLog(Engine engine, RoomEvents events, MultiStudioConfig config, SeqHeads heads, ServerMetrics metrics,
            RoomViews views) {
        this.views = views;
        this.lostSeq = metrics.storeRetries(ServerMetrics.RETRY_SEQ);
        this.history = engine.map("history", RoomEvent.class, event -> config.reconnectGrace(),
                Engine.Expiry.SILENT);
        this.events = events;
        this.config = config;
        this.heads = heads;
        this.reader = new HistoryReader(history, events, config);
        this.sizes = new HistorySizes(config.roomHistory());
        // Events committed on other nodes reach this node's members through the history; this node's own arrive
        // twice, and delivery drops the second copy by its seq.
        history.onWritten(event -> {
            heads.saw(event.instance(), event.seq());
            sizes.heard(event);
            views.heard(event);
            events.publish(event);
        });
    }

    /**
     * Commits {@code notice} in {@code room} (as this node knows it, {@code null} if gone) at the next free seq.
     *
     * @return the event, or {@code null} if the room did not admit one
     */
    Uni<RoomEvent> commit(Room room, RoomNotice notice) {
        if (room == null) {
            // Refused as the actor deserves (no room, or not in it), or simply no event.
            return Uni.createFrom().item(() -> notice.admits().test(null)).replaceWith((RoomEvent) null);
        }
        AtomicReference<Room> known = new AtomicReference<>(room);
        return follow(room).flatMap(followed -> Retries.whileLosing(
                Uni.createFrom().deferred(() -> attempt(room.instance(), known, notice)), SeqTaken.class,
                SEQ_ATTEMPTS, "A room event", lostSeq));
    }

    /** Commits the events of one change of the stored room, in order; yields them. */
    Uni<List<RoomEvent>> commitAll(Room room, List<RoomNotice> notices) {
        Uni<List<RoomEvent>> committed = Uni.createFrom().item(List.of());
        for (RoomNotice notice : notices) {
            committed = committed.flatMap(done -> commit(room, notice).map(event -> {
                List<RoomEvent> all = new ArrayList<>(done);
                all.add(event);
                return all;
            }));
        }
        return committed;
    }

    /** The latest seq of {@code room} as far as this node can tell: nothing committed before this call is later. */
    Uni<Long> latest(Room room) {
        return follow(room).map(followed -> heads.known(room.instance(), room.seq()));
    }

    /**
     * The events of {@code room} after {@code afterSeq} that {@code userId} would have received, read from the
     * history; at most the configured number of events back. A {@code null} room (it is gone) has none.
     */
    Uni<Replay> replay(Room room, long afterSeq, String userId) {
        if (room == null) {
            return Uni.createFrom().item(new Replay(null, List.of(), false, afterSeq));
        }
        return latest(room).flatMap(latest -> reader.replay(room, latest, afterSeq, userId));
    }

    /**
     * The events of one room incarnation with seqs from {@code fromSeq} to {@code toSeq}, those the history holds,
     * in seq order: what a node missed when an event did not reach it.
     */
    public Uni<List<RoomEvent>> events(String instance, long fromSeq, long toSeq) {
        return history.getAll(HistoryReader.keys(instance, fromSeq, toSeq)).map(found -> found.values().stream()
                .sorted(Comparator.comparingLong(RoomEvent::seq))
                .toList());
    }

    /** The room incarnation is gone: its stored head goes too. */
    Uni<Void> ended(Room room) {
        sizes.forget(room.instance());
        views.ended(room.instance());
        return heads.forget(room.instance());
    }

    private Uni<RoomEvent> attempt(String instance, AtomicReference<Room> known, RoomNotice notice) {
        Room room = known.get();
        if (!notice.admits().test(room)) {
            return Uni.createFrom().nullItem();
        }
        long seq = heads.next(instance, room == null ? 0 : room.seq());
        RoomEvent event = notice.event().apply(room, seq);
        return history.claim(HistoryReader.key(instance, seq), event).flatMap(holder -> {
            // A store that lost a node can apply a write and still report it failed; the retry then finds its own.
            if (holder == null || holder.equals(event)) {
                sizes.committed(event);
                events.publish(event);
                return Uni.createFrom().item(event);
            }
            // This node is behind the room, by at least the holder (its listener lags, or another node is busy in
            // the room): it learns the events after the holder too, a read at a time, rather than one lost seq per
            // try; its members get them now instead of when the listener catches up.
            Consumer<RoomEvent> learn = later -> {
                views.heard(later);
                events.publish(later);
                known.updateAndGet(current -> current == null ? null : current.after(later));
            };
            heads.saw(instance, holder.seq());
            learn.accept(holder);
            return probe(instance, holder.seq(), CATCH_UP, learn)
                    .flatMap(caughtUp -> Uni.createFrom().<RoomEvent>failure(new SeqTaken()));
        });
    }

    /**
     * Makes sure this node knows the latest seq of the room: one it has not followed is looked for from the stored
     * head, above which nothing is trimmed, reading ahead until a read finds nothing near its end.
     */
    private Uni<Void> follow(Room room) {
        if (heads.follows(room.instance())) {
            return Uni.createFrom().voidItem();
        }
        return heads.stored(room.instance()).flatMap(stored -> probe(room.instance(), Math.max(stored, room.seq()),
                PROBE, event -> {
                }));
    }

    /**
     * Reads the seqs after {@code from}, {@code width} at a time, until a read finds nothing in the second half of
     * its range; {@code found} learns the events read, in seq order, and the heads the newest.
     */
    private Uni<Void> probe(String instance, long from, int width, Consumer<RoomEvent> found) {
        return history.getAll(HistoryReader.keys(instance, from + 1, from + width)).flatMap(read -> {
            List<RoomEvent> later = read.values().stream().sorted(Comparator.comparingLong(RoomEvent::seq)).toList();
            later.forEach(found);
            long newest = later.isEmpty() ? from : later.get(later.size() - 1).seq();
            heads.saw(instance, newest);
            return newest > from + width / 2 ? probe(instance, newest, width, found) : Uni.createFrom().voidItem();
        });
    }

    /**
     * Stores the heads that moved, then removes the events that fell out of the bounds below the stored heads: each
     * node removes the seqs by which it advanced a stored head past the count bound, so the nodes together remove
     * each seq once, and the oldest events of a room past its bytes bound, as far as it knows their sizes.
     */
    Uni<Void> trim() {
        return heads.store().flatMap(advanced -> {
            List<String> removals = new ArrayList<>();
            for (SeqHeads.Advance head : advanced) {
                long countTo = head.to() - config.roomHistory();
                Set<Long> seqs = new TreeSet<>();
                for (long seq = Math.max(1, head.from() - config.roomHistory() + 1); seq <= countTo; seq++) {
                    seqs.add(seq);
                }
                HistorySizes.Range beyond = sizes.beyond(head.instance(), head.to(), config.roomHistoryBytes(),
                        countTo + 1);
                for (long seq = beyond == null ? 1 : beyond.from(); beyond != null && seq <= beyond.to(); seq++) {
                    seqs.add(seq);
                }
                seqs.forEach(seq -> removals.add(HistoryReader.key(head.instance(), seq)));
            }
            // An event whose removal failed is left to expire with the reconnect grace; the others still go.
            return Concurrently.each(removals, TRIM_CONCURRENCY, key -> history.remove(key)
                    .onFailure().invoke(failure -> LOG.debugf("Could not trim %s: %s", key, failure))
                    .onFailure().recoverWithNull());
        });
    }

    /** The seq an event tried was taken by another event; it tries the next one. */
    private static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super("seq taken", null, false, false);
        }
    }
}

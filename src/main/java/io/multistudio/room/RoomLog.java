package io.multistudio.room;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.Retries;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The rooms' history: every committed event under its room incarnation and seq, for replay, trimmed to the configured
 * number of events per room. An event is written here before it is published for delivery, so that whatever a member
 * received can also be replayed.
 */
@Startup
@ApplicationScoped
public class RoomLog {

    private static final Logger LOG = Logger.getLogger(RoomLog.class);
    private static final int SEQ_ATTEMPTS = 3;

    private final SharedMap<RoomEvent> history;
    private final RoomEvents events;
    private final MultiStudioConfig config;

    RoomLog(Engine engine, RoomEvents events, MultiStudioConfig config) {
        this.history = engine.map("history", RoomEvent.class, event -> config.reconnectGrace());
        this.events = events;
        this.config = config;
        // Events committed on other nodes reach this node's members through the history; this node's own arrive
        // twice, and delivery drops the second copy by its seq.
        history.onWritten(events::publish);
    }

    /**
     * Writes the events to the history, trims it to its bound, then hands them over for delivery in order.
     *
     * @return the first event: the one that answers the request that caused them
     */
    Uni<RoomEvent> commit(List<RoomEvent> committed) {
        List<Uni<Boolean>> writes = committed.stream()
                .map(event -> history.putIfAbsent(historyKey(event), event)
                        .flatMap(written -> written ? Uni.createFrom().item(true) : ownWrite(event)))
                .toList();
        return Uni.join().all(writes).andFailFast().invoke(written -> {
            for (int i = 0; i < committed.size(); i++) {
                if (written.get(i)) {
                    events.publish(committed.get(i));
                    trim(committed.get(i));
                }
            }
            if (written.contains(false)) {
                throw new SeqTaken();
            }
        }).replaceWith(committed.get(0));
    }

    /**
     * The events of {@code room} after {@code afterSeq} that {@code userId} would have received, read from the
     * history; at most the configured number of events back. A {@code null} room (it is gone) has none.
     */
    Uni<Replay> replay(Room room, long afterSeq, String userId) {
        if (room == null) {
            return Uni.createFrom().item(new Replay(null, List.of(), false, afterSeq));
        }
        long from = Math.max(afterSeq + 1, room.seq() - config.roomHistory() + 1);
        boolean withinCount = from == afterSeq + 1;
        String anchor = historyKey(room.instance(), afterSeq);
        Set<String> keys = historyKeys(room.instance(), from, room.seq());
        Set<String> read = new LinkedHashSet<>(keys);
        read.add(anchor);
        return history.getAll(read).map(found -> {
            // A seq can be absent for two harmless reasons: another node is still committing it (it arrives live),
            // or its writer died before committing it (nobody ever got it). Only expiry loses events, and none of the
            // missed ones can have expired while the last one the client had is still there, since they are all
            // younger.
            boolean anchored = found.containsKey(anchor);
            boolean complete = afterSeq >= room.seq() || withinCount && (anchored || found.keySet().containsAll(keys));
            List<RoomEvent> missed = found.values().stream()
                    .filter(event -> event.seq() > afterSeq && event.visibleTo(userId))
                    .sorted(Comparator.comparingLong(RoomEvent::seq))
                    .toList();
            long readTo = afterSeq;
            while (readTo < room.seq() && found.containsKey(historyKey(room.instance(), readTo + 1))) {
                readTo++;
            }
            return new Replay(room, missed, complete, readTo);
        });
    }

    /**
     * The events of one room incarnation with seqs from {@code fromSeq} to {@code toSeq}, those the history holds,
     * in seq order: what a node missed when an event did not reach it.
     */
    public Uni<List<RoomEvent>> events(String instance, long fromSeq, long toSeq) {
        return history.getAll(historyKeys(instance, fromSeq, toSeq)).map(found -> found.values().stream()
                .sorted(Comparator.comparingLong(RoomEvent::seq))
                .toList());
    }

    /**
     * A change that can simply be made again (a message, a patch, settings, presence) takes a fresh seq when its
     * seq was taken; what remains refused is answered as a store failure, never left unanswered.
     */
    static <T> Uni<T> retried(Uni<T> change) {
        return Retries.whileLosing(change, SeqTaken.class, SEQ_ATTEMPTS, "A room event");
    }

    static <T> Uni<T> answered(Uni<T> change) {
        return change.onFailure(SeqTaken.class)
                .transform(taken -> new StoreUnavailableException("A room event lost its seq to another", taken));
    }

    /**
     * A store that lost a node can apply a write and still report it failed; the client then tries again and finds
     * its own first write. That is this event committed, not a seq taken by another.
     */
    private Uni<Boolean> ownWrite(RoomEvent event) {
        return history.get(historyKey(event)).map(event::equals);
    }

    private void trim(RoomEvent event) {
        long expelled = event.seq() - config.roomHistory();
        if (expelled > 0) {
            history.remove(historyKey(event.instance(), expelled)).subscribe().with(ignored -> {
            }, failure -> LOG.debugf(failure, "Could not trim history of %s", event.room()));
        }
    }

    /**
     * Two writers can win the same seq only when a store node fails mid-update (optimistic versions are not
     * transactional); the history keeps the first event under a seq, and the other change must be made again.
     */
    private static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super("seq taken", null, false, false);
        }
    }

    private static String historyKey(RoomEvent event) {
        return historyKey(event.instance(), event.seq());
    }

    private static Set<String> historyKeys(String instance, long fromSeq, long toSeq) {
        Set<String> keys = new LinkedHashSet<>();
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            keys.add(historyKey(instance, seq));
        }
        return keys;
    }

    private static String historyKey(String instance, long seq) {
        return instance + ":" + seq;
    }
}

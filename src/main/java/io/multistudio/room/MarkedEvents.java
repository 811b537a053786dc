package io.multistudio.room;

import jakarta.inject.Singleton;

import io.multistudio.engine.StoreUnavailableException;
import io.smallrye.mutiny.Uni;

/**
 * Finds whether a keyed request took effect in a room (PROTOCOL.md §2.7a): the events it committed carry its mark
 * (see {@link Actor#mark()}). Read only when a resend finds its key reserved long ago and unanswered, so the
 * execution that reserved it was lost, maybe after its effect and before its answer was stored. The room's history
 * is read back from its newest event, a page at a time, to the events older than the reservation, never further
 * than the history holds.
 */
@Singleton
public class MarkedEvents {

    /** Seqs read at once, newest first. */
    static final int PAGE = 100;

    private final Rooms rooms;
    private final RoomLog log;

    MarkedEvents(Rooms rooms, RoomLog log) {
        this.rooms = rooms;
        this.log = log;
    }

    /**
     * The first event of {@code roomId} carrying {@code mark}, {@code null} if there is none: the request did not
     * take effect there. Fails with {@link StoreUnavailableException} if the history no longer reaches back to
     * {@code since} (trimmed or expired) and the event is not in what is left: then nobody can tell.
     *
     * @param since no event of the request can be older than this, epoch millis, allowing for the clocks of the
     *        other nodes that committed events in the room meanwhile
     */
    public Uni<RoomEvent> find(String roomId, String mark, long since) {
        return rooms.get(roomId).flatMap(room -> room == null ? Uni.createFrom().nullItem()
                : log.latest(room).flatMap(latest -> page(room.instance(), latest, mark, since, null)));
    }

    private Uni<RoomEvent> page(String instance, long to, String mark, long since, RoomEvent later) {
        if (to < 1) {
            return Uni.createFrom().item(later);
        }
        long from = Math.max(1, to - PAGE + 1);
        return log.events(instance, from, to).flatMap(events -> {
            RoomEvent found = later;
            boolean reachedSince = false;
            // Newest first: the request's first event is the oldest one carrying its mark.
            for (int i = events.size() - 1; i >= 0; i--) {
                RoomEvent event = events.get(i);
                found = mark.equals(event.mark()) ? event : found;
                reachedSince |= event.at() < since;
            }
            if (reachedSince) {
                return Uni.createFrom().item(found);
            }
            // Without the page's oldest seq the read reached the end of what the history holds (trimmed, or
            // expired). A seq missing further up is a gap (a commit that never completed): older events still follow.
            if (events.isEmpty() || events.get(0).seq() != from) {
                return found != null ? Uni.createFrom().item(found) : Uni.createFrom().failure(
                        new StoreUnavailableException("The room's history no longer reaches the request's key", null));
            }
            return page(instance, from - 1, mark, since, found);
        });
    }
}

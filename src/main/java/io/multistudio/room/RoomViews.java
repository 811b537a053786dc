package io.multistudio.room;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ServerMessage;

/**
 * The newest view of each room this node knows lately, by the rev of the record it comes from: what a
 * {@code ROOM_UPDATED} shows.
 * <p>
 * A change updates the stored room atomically, and only then does its event take a seq. Two changes of one room made
 * at once can therefore take their seqs in the opposite order of their updates: the event with the higher seq, the
 * one members keep, would show the older room. So an event is built, when it takes its seq, from the newest view this
 * node knows: the records its own changes stored, and the {@code ROOM_UPDATED} events it heard from the other nodes.
 * A node takes a seq only after the events it knows of below it, so the event of a newer change that took a lower seq
 * is known by then, unless the store handed it to this node after a later one (events of different seqs may arrive
 * out of order), which leaves a stale view until the room's next change.
 * <p>
 * Views are kept a while after their change is committed, because the update of an older change may still be on its
 * way to taking its seq; a few hundred rooms, the latest changed, are enough for that, and bound the memory kept.
 */
@Singleton
public class RoomViews {

    /** Rooms remembered at most, the least recently changed forgotten first. */
    static final int KEPT = 256;

    /** The room as a {@code ROOM_UPDATED} shows it, and the rev of the record it comes from. */
    public record View(long rev, ServerMessage.MultiRoom room) {

        /** What {@code room} shows. */
        public static View of(Room room) {
            return new View(room.rev(), room.view());
        }
    }

    private final Codec codec;
    private final Map<String, View> newest = new LinkedHashMap<>(KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, View> eldest) {
            return size() > KEPT;
        }
    };

    public RoomViews(Codec codec) {
        this.codec = codec;
    }

    /** {@code room} was stored by a change made on this node. */
    void stored(Room room) {
        keep(room.instance(), View.of(room));
    }

    /** A committed event reached this node: a {@code ROOM_UPDATED} may show a newer view than the one known. */
    void heard(RoomEvent event) {
        if (!RoomEvent.ROOM_UPDATED.equals(event.type()) || event.rev() <= rev(event.instance())) {
            return;
        }
        try {
            ServerMessage.RoomUpdated shown = codec.mapper().readValue(event.text(), ServerMessage.RoomUpdated.class);
            keep(event.instance(), new View(event.rev(), shown.room()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest view of {@code room}'s incarnation: its own, or a later one. */
    synchronized View of(Room room) {
        View kept = newest.get(room.instance());
        return kept != null && kept.rev() > room.rev() ? kept : View.of(room);
    }

    /** The incarnation is gone: no later change of it will come. */
    synchronized void ended(String instance) {
        newest.remove(instance);
    }

    private synchronized long rev(String instance) {
        View kept = newest.get(instance);
        return kept == null ? -1 : kept.rev();
    }

    private synchronized void keep(String instance, View view) {
        newest.merge(instance, view, (kept, later) -> later.rev() > kept.rev() ? later : kept);
    }
}

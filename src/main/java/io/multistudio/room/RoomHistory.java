package io.multistudio.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.inject.Singleton;

import io.multistudio.config.MultiStudioConfig;
import io.smallrye.mutiny.Uni;

/**
 * Reads a room's past for one member (PROTOCOL.md §2.7b): the events that member would have received live, newest
 * last, as far back as the bounded history holds them. The history is read backwards in chunks, so a page costs one
 * read unless many of the events were direct messages between others.
 */
@Singleton
public class RoomHistory {

    /** The most events {@code HISTORY} and {@code JOIN_ROOM}'s {@code history} may ask for. */
    public static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 50;
    private static final int MIN_CHUNK = 32;

    private final Rooms rooms;
    private final RoomLog log;
    private final RoomEvents delivered;
    private final MultiStudioConfig config;

    RoomHistory(Rooms rooms, RoomLog log, RoomEvents delivered, MultiStudioConfig config) {
        this.rooms = rooms;
        this.log = log;
        this.delivered = delivered;
        this.config = config;
    }

    /**
     * Up to {@code limit} events of room {@code roomId} with a seq below {@code before} that {@code userId} may see,
     * oldest first.
     *
     * @param before a seq, {@code null} for the room's next one
     */
    public Uni<Page> page(String roomId, Long before, int limit, String userId) {
        if (limit == 0) {
            return Uni.createFrom().item(new Page(List.of(), false));
        }
        return rooms.get(roomId).flatMap(room -> {
            if (room == null) {
                return Uni.createFrom().item(new Page(List.of(), false));
            }
            return log.latest(room).flatMap(latest -> {
                long newest = before == null ? latest : Math.min(before - 1, latest);
                long oldest = Math.max(1, latest - config.roomHistory() + 1);
                List<RoomEvent> recent = recent(room, oldest, newest, limit, userId);
                return recent != null ? Uni.createFrom().item(recent)
                        : collect(room.instance(), oldest, newest, limit, userId, List.of());
            }).map(visible -> visible.size() > limit
                    ? new Page(visible.subList(visible.size() - limit, visible.size()), true)
                    : new Page(visible, false));
        });
    }

    /**
     * The visible events from {@code oldest} to {@code newest}, reading backwards until one more than {@code limit}
     * is found (so that the caller knows whether older ones exist) or the history is exhausted.
     */
    private Uni<List<RoomEvent>> collect(String instance, long oldest, long newest, int limit, String userId,
            List<RoomEvent> newer) {
        if (newest < oldest || newer.size() > limit) {
            return Uni.createFrom().item(newer);
        }
        long from = Math.max(oldest, newest - Math.max(MIN_CHUNK, limit + 1 - newer.size()) + 1);
        return log.events(instance, from, newest).flatMap(found -> {
            List<RoomEvent> visible = new ArrayList<>(found.stream()
                    .filter(event -> visible(event, userId))
                    .sorted(Comparator.comparingLong(RoomEvent::seq))
                    .toList());
            visible.addAll(newer);
            return collect(instance, oldest, from - 1, limit, userId, visible);
        });
    }

    /**
     * The visible events up to {@code newest} from those this node delivered a moment ago, if they are enough: one
     * more than {@code limit}, or every one back to {@code oldest}; {@code null} otherwise, and the history is read.
     */
    private List<RoomEvent> recent(Room room, long oldest, long newest, int limit, String userId) {
        if (newest < oldest) {
            return null;
        }
        List<RoomEvent> all = delivered.recent(room, oldest - 1, newest);
        List<RoomEvent> held = all != null ? all : delivered.recent(room, Math.max(oldest, newest - limit) - 1, newest);
        if (held == null) {
            return null;
        }
        List<RoomEvent> visible = held.stream()
                .filter(event -> event.seq() <= newest && visible(event, userId))
                .toList();
        return visible.size() > limit || all != null ? visible : null;
    }

    /**
     * What a member received live as a room event: an event that took the member out of the room reached it as a
     * {@code LEFT_ROOM} without seq instead, and a closed room has no history left to read.
     */
    private static boolean visible(RoomEvent event, String userId) {
        return event.visibleTo(userId) && !event.removes(userId);
    }

    /** Events oldest first; {@code more} if the history holds older ones the reader may see. */
    public record Page(List<RoomEvent> events, boolean more) {
    }
}

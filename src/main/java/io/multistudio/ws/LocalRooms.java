package io.multistudio.ws;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Codec;
import io.multistudio.room.Room;
import io.multistudio.room.RoomEvent;
import io.multistudio.room.RoomEvents;
import io.vertx.core.Vertx;

/**
 * The rooms that have members connected to this node, and the delivery of committed room events to them. A room with
 * no member here is not tracked: an event for it has nobody to go to, and a member who comes later catches up from
 * the room's history.
 */
@Singleton
class LocalRooms implements RoomEvents {

    /** How long a missing seq may hold back the events after it before delivery skips it. */
    static final Duration GAP_TIMEOUT = Duration.ofSeconds(3);

    private final Map<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    private final Codec codec;
    private final Vertx vertx;

    LocalRooms(Codec codec, Vertx vertx) {
        this.codec = codec;
        this.vertx = vertx;
    }

    @Override
    public void publish(RoomEvent event) {
        LocalRoom room = rooms.get(event.room());
        if (room != null) {
            room.offer(event);
        }
    }

    /**
     * Makes {@code connection} a member here that has seen every event up to {@code lastSeq}; it gets nothing live
     * until {@link #release}.
     */
    LocalRoom.Member attach(Room room, ClientConnection connection, String userId, long lastSeq) {
        LocalRoom.Member[] attached = new LocalRoom.Member[1];
        // Attaching inside compute keeps a concurrent removal of the emptied room from orphaning the new member.
        LocalRoom local = rooms.compute(room.id(), (id, current) -> {
            LocalRoom chosen = current == null || !current.instance().equals(room.instance())
                    ? new LocalRoom(id, room.instance(), lastSeq + 1, codec, () -> watchGap(id),
                            () -> vertx.runOnContext(ignored -> removeIfEmpty(id)))
                    : current;
            attached[0] = chosen.attach(connection, userId, lastSeq);
            return chosen;
        });
        connection.enteredRoom(room.id(), local);
        return attached[0];
    }

    /** Takes {@code connection} out of its room here; returns the last seq it was handed, -1 if it was in none. */
    long detach(ClientConnection connection) {
        LocalRoom room = connection.localRoom();
        String roomId = connection.room();
        if (room == null) {
            return -1;
        }
        connection.leftRoom(roomId);
        long lastSeq = room.detach(connection);
        removeIfEmpty(roomId);
        return lastSeq;
    }

    private void removeIfEmpty(String roomId) {
        rooms.computeIfPresent(roomId, (id, current) -> current.isEmpty() ? null : current);
    }

    private void watchGap(String roomId) {
        LocalRoom room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        long stalledAt = room.nextSeq();
        vertx.setTimer(GAP_TIMEOUT.toMillis(), timer -> room.skipGap(stalledAt));
    }
}

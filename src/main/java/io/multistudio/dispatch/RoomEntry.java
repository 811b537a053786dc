package io.multistudio.dispatch;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import io.multistudio.delivery.LocalRoom;
import io.multistudio.delivery.LocalRooms;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.room.Entered;
import io.multistudio.room.Membership;
import io.multistudio.room.Replay;
import io.multistudio.room.RoomHistory;
import io.multistudio.room.Rooms;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/**
 * A user enters (or re-enters) a room on this connection: it becomes a member here that is held back, then gets
 * {@code JOINED_ROOM}, whatever the room did meanwhile from its history, and then live events. If the history (or, on
 * a resume, the members) cannot be read (the store timed out), the member is never released: the connection is
 * dropped as lost instead, so that the session goes into grace and the client resumes with a replay, rather than it
 * being held for ever while its room's events pile up for it.
 */
@Singleton
class RoomEntry {

    private final LocalRooms localRooms;
    private final Rooms rooms;
    private final Codec codec;
    private final ServerMetrics metrics;
    private final RoomHistory history;

    RoomEntry(LocalRooms localRooms, Rooms rooms, Codec codec, ServerMetrics metrics, RoomHistory history) {
        this.history = history;
        this.localRooms = localRooms;
        this.rooms = rooms;
        this.codec = codec;
        this.metrics = metrics;
    }

    /**
     * The user entered a room: {@code JOINED_ROOM}, then the {@code past} events it asked for, then whatever the room
     * did meanwhile, then live events.
     *
     * @return the {@code JOINED_ROOM} without {@code rid}
     */
    Uni<String> enter(Connection connection, Entered entered, String rid, int past) {
        String welcome = codec.write(new ServerMessage.JoinedRoom(null, entered.room().view(), entered.members(),
                entered.seq(), false, false));
        String roomId = entered.room().id();
        LocalRoom.Member member = localRooms.attach(entered.room(), connection, connection.sessionId(), entered.seq());
        return history.page(roomId, entered.seq(), past, connection.sessionId())
                .flatMap(earlier -> rooms.replay(entered.room(), entered.seq(), connection.sessionId())
                        .invoke(replay -> {
                            List<String> first = new ArrayList<>();
                            first.add(codec.withRid(welcome, rid));
                            earlier.events().forEach(event -> first.add(event.text()));
                            member.release(first, replay.events(), replay.readTo());
                        }))
                .onFailure().invoke(failure -> connection.drop())
                .replaceWith(welcome);
    }

    /**
     * A resumed user who was in a room gets {@code JOINED_ROOM} with {@code resumed: true}, then every event it
     * missed after {@code lastSeq} from the history, then live events.
     */
    Uni<Void> reenter(Connection connection, Membership.Back back, long lastSeq, String rid) {
        LocalRoom.Member member = localRooms.attach(back.room(), connection, connection.sessionId(), lastSeq);
        // The members and the missed events are read at once: both need only the room, and the member is held from
        // here on, so what the room commits meanwhile reaches it live, after the replay.
        return Uni.combine().all().unis(rooms.entered(back.room(), back.seq()),
                rooms.replay(back.room(), lastSeq, connection.sessionId())).asTuple()
                .invoke(read -> {
                    Entered entered = read.getItem1();
                    Replay replay = read.getItem2();
                    metrics.resumed(replay.complete() ? "recovered" : "unrecovered");
                    member.release(List.of(codec.write(new ServerMessage.JoinedRoom(rid, entered.room().view(),
                            entered.members(), entered.seq(), true, replay.complete()))), replay.events(),
                            replay.readTo());
                })
                .onFailure().invoke(failure -> connection.drop())
                .replaceWithVoid();
    }
}
